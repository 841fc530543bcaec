package io.opencardkit.server.im;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.Json;
import io.opencardkit.core.engine.CardSummary;
import io.opencardkit.core.store.MessageRecord;
import java.util.regex.Pattern;

/** Renders a stored message in the shape of Feishu's IM v1 message object. */
final class MessageJson {
  static final String TENANT_KEY = "opencardkit";

  /** A mention as written in a text message; the preview shows {@code @Name}. */
  private static final Pattern AT =
      Pattern.compile(
          "<at\\s+user_id\\s*=\\s*[\"']?[^\"'>\\s]*[\"']?\\s*>(.*?)</at>", Pattern.DOTALL);

  /** The preview of a recalled message. */
  static final String RECALLED_SUMMARY = "此消息已撤回";

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
    node.put("deleted", record.recalled());
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
    if (record.recalled()) {
      return RECALLED_SUMMARY;
    }
    JsonNode content = Json.parseOrNull(record.content());
    if (content == null) {
      return "";
    }
    switch (record.msgType()) {
      case "text":
        return AT.matcher(content.path("text").asText("")).replaceAll("@$1");
      case "post":
        {
          JsonNode post = content.has("title") || content.has("content") ? content : first(content);
          String title = post.path("title").asText("");
          String text = title.isEmpty() ? postText(post) : title;
          return text.isEmpty() ? "[富文本]" : text;
        }
      case "interactive":
        return CardSummary.derived(content);
      case "image":
        return "[图片]";
      default:
        return "[" + record.msgType() + "]";
    }
  }

  /**
   * A post's text runs and mentions, its paragraphs joined by spaces (a preview shows one line).
   */
  private static String postText(JsonNode post) {
    StringBuilder out = new StringBuilder();
    for (JsonNode paragraph : post.path("content")) {
      if (out.length() > 0 && paragraph.size() > 0) {
        out.append(' ');
      }
      for (JsonNode element : paragraph) {
        String tag = element.path("tag").asText();
        if ("text".equals(tag) || "a".equals(tag) || "md".equals(tag)) {
          out.append(element.path("text").asText(""));
        } else if ("at".equals(tag)) {
          out.append('@')
              .append(element.path("user_name").asText(element.path("user_id").asText("")));
        }
      }
    }
    return out.toString().strip();
  }

  private static JsonNode first(JsonNode object) {
    return object.elements().hasNext() ? object.elements().next() : Json.object();
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
