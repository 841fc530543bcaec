package io.opencardkit.server.bots;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.Json;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.server.directory.App;
import io.opencardkit.server.directory.Chat;
import io.opencardkit.server.directory.Directory;

/**
 * The JSON bodies OpenCardKit delivers to bots, as pure functions: {@code im.message.receive_v1}
 * and {@code card.action.trigger} (schema 2.0), the legacy {@code card.action.trigger_v1}, and
 * {@code url_verification}. Shapes follow Feishu's documentation and the official SDKs' models
 * (P2MessageReceiveV1, P2CardActionTrigger, CardAction).
 */
public final class EventPayloads {
  /**
   * The tenant of every app and user (the same value the IM API puts in {@code sender.tenant_key}).
   */
  static final String TENANT_KEY = "opencardkit";

  static final String MESSAGE_RECEIVE = "im.message.receive_v1";
  static final String CARD_ACTION = "card.action.trigger";

  private EventPayloads() {}

  /**
   * {@code im.message.receive_v1} for a user's message; {@code create_time} in milliseconds as
   * Feishu's IM events.
   *
   * @param content the message's content with its mentions in the placeholder form
   */
  static ObjectNode messageReceive(
      App app,
      String eventId,
      long nowMillis,
      MessageRecord message,
      Chat chat,
      EventContent content) {
    ObjectNode body = envelope(app, eventId, MESSAGE_RECEIVE, Long.toString(nowMillis));
    ObjectNode event = body.putObject("event");
    ObjectNode sender = event.putObject("sender");
    userIds(sender.putObject("sender_id"), message.senderId());
    sender.put("sender_type", "user").put("tenant_key", TENANT_KEY);
    ObjectNode m = event.putObject("message");
    m.put("message_id", message.messageId());
    m.put("root_id", nullToEmpty(message.rootId()))
        .put("parent_id", nullToEmpty(message.parentId()));
    m.put("create_time", Long.toString(message.createdAtMillis()))
        .put("update_time", Long.toString(message.updatedAtMillis()));
    m.put("chat_id", message.chatId())
        .put("thread_id", "")
        .put("chat_type", chat.isP2p() ? "p2p" : "group");
    m.put("message_type", message.msgType());
    m.put("content", content.content());
    var mentions = m.putArray("mentions");
    for (MentionText.Mention mention : content.mentions()) {
      ObjectNode node = mentions.addObject().put("key", mention.key());
      userIds(node.putObject("id"), mention.openId());
      node.put("name", mention.name()).put("tenant_key", TENANT_KEY);
    }
    return body;
  }

  /**
   * {@code card.action.trigger} (schema 2.0); {@code create_time} in microseconds as Feishu
   * documents for it.
   *
   * @param action the callback's {@code action} object (see {@code CallbackActions})
   * @param updateToken the {@code event.token} Feishu issues for delayed updates
   */
  public static ObjectNode cardAction(
      App app,
      String eventId,
      long nowMillis,
      String openId,
      String updateToken,
      ObjectNode action,
      String messageId,
      String chatId) {
    ObjectNode body = envelope(app, eventId, CARD_ACTION, Long.toString(nowMillis * 1000));
    ObjectNode event = body.putObject("event");
    ObjectNode operator = event.putObject("operator").put("tenant_key", TENANT_KEY);
    operator.put("open_id", openId).put("union_id", Directory.unionIdOf(openId));
    event.put("token", updateToken);
    event.set("action", action);
    event.put("host", "im_message");
    event.putObject("context").put("open_message_id", messageId).put("open_chat_id", chatId);
    return body;
  }

  /**
   * The legacy {@code card.action.trigger_v1} body: flat, as the SDKs' {@code CardAction} model
   * reads it.
   */
  public static ObjectNode cardActionV1(
      String openId, String updateToken, ObjectNode action, String messageId, String chatId) {
    ObjectNode body = Json.object();
    body.put("open_id", openId).put("open_message_id", messageId).put("open_chat_id", chatId);
    body.put("tenant_key", TENANT_KEY).put("token", updateToken);
    body.set("action", action);
    return body;
  }

  /** What Feishu sends to check a URL: the bot must answer {@code {"challenge": …}}. */
  public static ObjectNode urlVerification(App app, String challenge) {
    return Json.object()
        .put("challenge", challenge)
        .put("token", nullToEmpty(app.verificationToken()))
        .put("type", "url_verification");
  }

  /** The event id of a schema 2.0 body. */
  static String eventIdOf(JsonNode body) {
    return body.path("header").path("event_id").asText(null);
  }

  private static ObjectNode envelope(App app, String eventId, String eventType, String createTime) {
    ObjectNode body = Json.object().put("schema", "2.0");
    ObjectNode header = body.putObject("header");
    header.put("event_id", eventId).put("event_type", eventType).put("create_time", createTime);
    header
        .put("token", nullToEmpty(app.verificationToken()))
        .put("app_id", app.appId())
        .put("tenant_key", TENANT_KEY);
    return body;
  }

  private static void userIds(ObjectNode node, String openId) {
    node.put("union_id", Directory.unionIdOf(openId)).put("open_id", openId);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
