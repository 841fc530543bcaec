package io.opencardkit.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A chat message as the page shows it (the protocol's {@code MessageView}).
 *
 * @param messageId {@code om_…}
 * @param chatId {@code oc_…}
 * @param msgType {@code text}, {@code post} or {@code interactive}
 * @param senderId app id or open id
 * @param senderName display name from the directory (the id when unknown)
 * @param senderKind {@code bot} or {@code user}
 * @param createTime epoch ms
 * @param content the parsed content JSON, or {@code null} when it is not JSON
 * @param card the card entity it shows, or {@code null}
 * @param summary the chat-list preview
 * @param reactions the emoji reactions on the message, oldest first
 * @param recalled whether the sender recalled it (then {@code content} and {@code card} are null)
 * @param edited whether the sender edited it (a text or post message)
 */
record MessageView(
    String messageId,
    String chatId,
    String msgType,
    String senderId,
    String senderName,
    String senderKind,
    long createTime,
    JsonNode content,
    CardView card,
    String summary,
    List<ReactionView> reactions,
    boolean recalled,
    boolean edited) {
  MessageView {
    reactions = List.copyOf(reactions);
  }

  /** A view of a message as sent (neither recalled nor edited). */
  MessageView(
      String messageId,
      String chatId,
      String msgType,
      String senderId,
      String senderName,
      String senderKind,
      long createTime,
      JsonNode content,
      CardView card,
      String summary,
      List<ReactionView> reactions) {
    this(
        messageId,
        chatId,
        msgType,
        senderId,
        senderName,
        senderKind,
        createTime,
        content,
        card,
        summary,
        reactions,
        false,
        false);
  }

  /** A view without reactions. */
  MessageView(
      String messageId,
      String chatId,
      String msgType,
      String senderId,
      String senderName,
      String senderKind,
      long createTime,
      JsonNode content,
      CardView card,
      String summary) {
    this(
        messageId,
        chatId,
        msgType,
        senderId,
        senderName,
        senderKind,
        createTime,
        content,
        card,
        summary,
        List.of(),
        false,
        false);
  }

  /**
   * One reaction as the page shows it.
   *
   * @param reactionId the reaction's id
   * @param emojiType Feishu's emoji key
   * @param operatorId app id or open id of who reacted
   * @param operatorName their display name
   * @param operatorKind {@code bot} or {@code user}
   */
  record ReactionView(
      String reactionId,
      String emojiType,
      String operatorId,
      String operatorName,
      String operatorKind) {}
}
