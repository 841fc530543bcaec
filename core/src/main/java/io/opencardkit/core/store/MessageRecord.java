package io.opencardkit.core.store;

import org.jspecify.annotations.Nullable;

/**
 * One chat message as stored.
 *
 * @param messageId {@code om_…}
 * @param chatId {@code oc_…}
 * @param senderId an app id ({@code cli_…}) or a user open id ({@code ou_…})
 * @param senderType {@code app} or {@code user}
 * @param msgType {@code text}, {@code post} or {@code interactive}
 * @param content the content JSON string as sent; for a card entity message {@code
 *     {"type":"card",…}}
 * @param cardId the card entity shown by this message, or {@code null}
 * @param rootId first message of the reply thread, or {@code null}
 * @param parentId the message replied to, or {@code null}
 * @param uuid the sender's IM de-duplication id, or {@code null}
 * @param createdAtMillis when it was sent
 * @param updatedAtMillis when it was last changed (equal to created when never)
 */
public record MessageRecord(
    String messageId,
    String chatId,
    String senderId,
    String senderType,
    String msgType,
    String content,
    @Nullable String cardId,
    String rootId,
    String parentId,
    String uuid,
    long createdAtMillis,
    long updatedAtMillis) {

  /**
   * How long a sender's {@code uuid} stands for the message first sent with it: a send with the
   * same uuid within this window is that message again (Feishu's IM de-duplication). Stores claim
   * the uuid when they insert the message.
   */
  public static final long UUID_WINDOW_MILLIS = 3_600_000;

  /**
   * The content of a recalled message, as Feishu shows it in place of the original. It is not a
   * JSON object, so no message that was sent can hold it: storing it marks the message as recalled
   * without another column.
   */
  public static final String RECALLED_CONTENT = "This message was recalled";

  /** Whether the sender recalled the message ({@code DELETE im/v1/messages/:message_id}). */
  public boolean recalled() {
    return RECALLED_CONTENT.equals(content);
  }

  /**
   * A copy recalled at {@code atMillis}: the content gives way to {@link #RECALLED_CONTENT} and the
   * card entity it showed is no longer shown (the card itself stays, as a card entity outlives its
   * message).
   */
  public MessageRecord recalledAt(long atMillis) {
    return new MessageRecord(
        messageId,
        chatId,
        senderId,
        senderType,
        msgType,
        RECALLED_CONTENT,
        null,
        rootId,
        parentId,
        uuid,
        createdAtMillis,
        atMillis);
  }

  /**
   * A copy with another type and content, as after an edit ({@code PUT
   * im/v1/messages/:message_id}).
   */
  public MessageRecord editedTo(String newMsgType, String newContent, long atMillis) {
    return new MessageRecord(
        messageId,
        chatId,
        senderId,
        senderType,
        newMsgType,
        newContent,
        cardId,
        rootId,
        parentId,
        uuid,
        createdAtMillis,
        atMillis);
  }

  /** A copy with new content, as after an IM PATCH. */
  public MessageRecord withContent(String newContent, long atMillis) {
    return new MessageRecord(
        messageId,
        chatId,
        senderId,
        senderType,
        msgType,
        newContent,
        cardId,
        rootId,
        parentId,
        uuid,
        createdAtMillis,
        atMillis);
  }
}
