package io.opencardkit.server.im;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.Json;
import io.opencardkit.core.engine.CardSummary;
import io.opencardkit.core.store.MessageRecord;

/** Renders a stored message in the shape of Feishu's IM v1 message object. */
final class MessageJson {
  static final String TENANT_KEY = "opencardkit";

  private MessageJson() {}

  /**
   * @param record the message
   * @param content the body content to show (for a card entity: the card's current JSON)
   * @param summary the chat-list preview (an OpenCardKit extension field)
   */
  static ObjectNode render(MessageRecord record, String content, String summary) {
    ObjectNode node = Json.object();
    node.put("message_id", record.messageId());
    node.put("root_id", nullToEmpty(record.rootId()));
    node.put("parent_id", nullToEmpty(record.parentId()));
    node.put("thread_id", "");
    node.put("msg_type", record.msgType());
    node.put("create_time", Long.toString(record.createdAtMillis()));
    node.put("update_time", Long.toString(record.updatedAtMillis()));
    node.put("deleted", false);
    node.put("updated", record.updatedAtMillis() != record.createdAtMillis());
    node.put("chat_id", record.chatId());
    ObjectNode sender = node.putObject("sender");
    boolean fromApp = "app".equals(record.senderType());
    sender.put("id", record.senderId());
    sender.put("id_type", fromApp ? "app_id" : "open_id");
    sender.put("sender_type", record.senderType());
    sender.put("tenant_key", TENANT_KEY);
    node.putObject("body").put("content", content);
    node.putArray("mentions");
    node.put("upper_message_id", "");
    node.put("summary", summary);
    return node;
  }

  /** The preview of a message that is not a card entity. */
  static String summaryOf(MessageRecord record) {
    JsonNode content = Json.parseOrNull(record.content());
    if (content == null) {
      return "";
    }
    switch (record.msgType()) {
      case "text":
        return content.path("text").asText("");
      case "post":
        {
          JsonNode post = content.has("title") || content.has("content") ? content : first(content);
          String title = post.path("title").asText("");
          return title.isEmpty() ? "[富文本]" : title;
        }
      case "interactive":
        return CardSummary.derived(content);
      default:
        return "[" + record.msgType() + "]";
    }
  }

  private static JsonNode first(JsonNode object) {
    return object.elements().hasNext() ? object.elements().next() : Json.object();
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
