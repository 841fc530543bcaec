package io.opencardkit.server.web;

import com.fasterxml.jackson.databind.JsonNode;

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
    String summary) {}
