package io.opencardkit.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.opencardkit.core.Json;
import io.opencardkit.core.engine.CardEvent;
import io.opencardkit.core.engine.EventType;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The WebSocket frames of docs/web-protocol.md and the {@code MessageView} JSON, as pure functions
 * from values to strings (and back, for the one frame the page sends). No sockets, no clocks.
 */
final class Frames {
  /** The most cards one resume frame may list; more are ignored (the page shows far fewer). */
  static final int MAX_RESUME_CARDS = 10_000;

  private Frames() {}

  /** {@code {"type":"hello","user":…}}. */
  static String hello(String openId) {
    return Json.write(Json.object().put("type", "hello").put("user", openId));
  }

  /** The protocol's {@code op} for an event type. */
  static String op(EventType type) {
    switch (type) {
      case CONTENT_APPENDED:
        return "append";
      case CONTENT_REPLACED:
        return "replace";
      case CREATED:
      case REPLACED:
        return "card";
      default:
        return type.wireName(); // settings, elements_added, …, batch, streaming_timed_out, sent
    }
  }

  /**
   * The frame viewers are sent for one committed card event: a compact append frame while the card
   * streams (the increment, its version and a stream number, docs/web-protocol.md), otherwise
   * {@link #card(CardEvent, CardFacts)}.
   *
   * @param streams the card's stream number for an element id
   */
  static OutFrame of(CardEvent event, CardFacts after, Function<String, AppendStream> streams) {
    if (event.type() == EventType.CONTENT_APPENDED && after.streaming()) {
      ObjectNode p = event.payload();
      AppendStream stream = streams.apply(p.get("element_id").asText());
      return OutFrame.compact(
          compact(stream.number(), event.version(), p.get("text").asText()),
          stream,
          event.version());
    }
    return OutFrame.card(card(event, after), event.cardId(), event.version());
  }

  /**
   * {@code [stream,version,"text"]}: {@code text} appended to the stream's element at {@code
   * version}, at the end of the element's text. Nothing else: the page knows the card, the element
   * and the offset from what it holds, and the streaming state, deadline and preview do not change
   * while a card streams.
   */
  static String compact(long stream, long version, String text) {
    return "[" + stream + "," + version + "," + Json.write(TextNode.valueOf(text)) + "]";
  }

  /**
   * {@code {"type":"stream","k":…,"card_id":…,"element_id":…}}: what a compact frame's stream
   * number means.
   */
  static String stream(long number, String cardId, String elementId) {
    return Json.write(
        Json.object()
            .put("type", "stream")
            .put("k", number)
            .put("card_id", cardId)
            .put("element_id", elementId));
  }

  /**
   * One committed card event as a JSON object: only what changed (an append carries its offset and
   * increment), plus the card's streaming state and preview after the event.
   */
  static String card(CardEvent event, CardFacts after) {
    ObjectNode frame = Json.object().put("type", "card").put("card_id", event.cardId());
    frame.put("message_id", after.messageId()).put("chat_id", after.chatId());
    frame.put("version", event.version()).put("op", op(event.type()));
    frame.setAll(change(event));
    putState(frame, after);
    return Json.write(frame);
  }

  /**
   * The op-specific fields of an event, as a {@code card} frame carries them (and the inspector's
   * event log, so a replay applies exactly what viewers received).
   */
  static ObjectNode change(CardEvent event) {
    ObjectNode change = Json.object();
    ObjectNode p = event.payload(); // never mutated after the event is built, so it can be shared
    switch (event.type()) {
      case CONTENT_APPENDED:
        copy(p, change, "element_id", "offset", "text");
        break;
      case CONTENT_REPLACED:
        copy(p, change, "element_id", "text");
        break;
      case SETTINGS:
        copy(p, change, "config", "card_link");
        break;
      case CREATED:
      case REPLACED:
        copy(p, change, "card");
        break;
      case ELEMENTS_ADDED:
        // The payload's "type" (insert_before/insert_after/append) would clash with the frame's own
        // "type".
        change.set("insert_type", p.get("type"));
        copy(p, change, "target_element_id", "elements");
        break;
      case ELEMENT_UPDATED:
        copy(p, change, "element_id", "element");
        break;
      case ELEMENT_PATCHED:
        copy(p, change, "element_id", "partial_element");
        break;
      case ELEMENTS_DELETED:
        copy(p, change, "element_ids");
        break;
      case BATCH:
        copy(p, change, "actions");
        break;
      default: // streaming_timed_out, sent: no fields
        break;
    }
    return change;
  }

  /** Everything about a card at one version; replaces what the page holds for it. */
  static String snapshot(CardView view) {
    CardFacts f = view.facts();
    ObjectNode frame = Json.object().put("type", "snapshot").put("card_id", f.cardId());
    frame.put("message_id", f.messageId()).put("chat_id", f.chatId()).put("version", f.version());
    frame.putRawValue("card", new RawValue(view.cardJson()));
    putState(frame, f);
    return Json.write(frame);
  }

  /**
   * A new message in one of the viewer's chats (or new content of an inline card the page already
   * shows).
   */
  static String message(MessageView message) {
    ObjectNode frame = Json.object().put("type", "message").put("chat_id", message.chatId());
    frame.set("message", messageNode(message));
    return Json.write(frame);
  }

  /**
   * The chat-list preview of a message changed without a card event (the streaming deadline
   * passed).
   */
  static String preview(String chatId, String messageId, String summary) {
    return Json.write(
        Json.object()
            .put("type", "preview")
            .put("chat_id", chatId)
            .put("message_id", messageId)
            .put("summary", summary));
  }

  /** The protocol's {@code MessageView}. */
  static ObjectNode messageNode(MessageView m) {
    ObjectNode node = Json.object();
    node.put("message_id", m.messageId()).put("chat_id", m.chatId()).put("msg_type", m.msgType());
    node.putObject("sender")
        .put("id", m.senderId())
        .put("name", m.senderName())
        .put("kind", m.senderKind());
    node.put("create_time", m.createTime());
    node.set("content", m.content() == null ? NullNode.instance : m.content());
    if (m.card() == null) {
      node.putNull("card");
    } else {
      CardFacts f = m.card().facts();
      ObjectNode card =
          node.putObject("card").put("card_id", f.cardId()).put("version", f.version());
      card.putRawValue("card", new RawValue(m.card().cardJson()));
      card.put("streaming", f.streaming());
      putDeadline(card, f.deadline());
    }
    node.put("summary", m.summary());
    // only when true: most messages are neither, and frames stay as small as they were
    if (m.recalled()) {
      node.put("recalled", true);
    }
    if (m.edited()) {
      node.put("edited", true);
    }
    ArrayNode reactions = node.putArray("reactions");
    for (MessageView.ReactionView r : m.reactions()) {
      ObjectNode reaction =
          reactions.addObject().put("reaction_id", r.reactionId()).put("emoji_type", r.emojiType());
      reaction
          .putObject("operator")
          .put("id", r.operatorId())
          .put("name", r.operatorName())
          .put("kind", r.operatorKind());
    }
    return node;
  }

  /**
   * A toast for the user who interacted with a card: the bot's answer, or why the interaction
   * failed.
   */
  static String toast(String chatId, String messageId, String type, String content) {
    ObjectNode frame =
        Json.object().put("type", "toast").put("chat_id", chatId).put("message_id", messageId);
    frame.putObject("toast").put("type", type).put("content", content);
    return Json.write(frame);
  }

  /** A JSON array of message views, as the HTTP API answers. */
  static String messageList(List<MessageView> messages) {
    ArrayNode array = Json.MAPPER.createArrayNode();
    messages.forEach(m -> array.add(messageNode(m)));
    return Json.write(array);
  }

  /**
   * The card versions of a {@code resume} frame, in the order given; empty when the text is not a
   * resume frame. Entries whose version is not a non-negative integer are dropped; at most {@value
   * #MAX_RESUME_CARDS} are kept.
   */
  static Optional<Map<String, Long>> resumeOf(String text) {
    JsonNode frame = Json.parseOrNull(text);
    if (frame == null || !"resume".equals(frame.path("type").asText())) {
      return Optional.empty();
    }
    JsonNode cards = frame.path("cards");
    if (!cards.isObject()) {
      return Optional.of(Collections.emptyMap());
    }
    Map<String, Long> versions = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = cards.fields();
        it.hasNext() && versions.size() < MAX_RESUME_CARDS; ) {
      Map.Entry<String, JsonNode> entry = it.next();
      JsonNode version = entry.getValue();
      if (version.isIntegralNumber() && version.canConvertToLong() && version.longValue() >= 0) {
        versions.put(entry.getKey(), version.longValue());
      }
    }
    return Optional.of(versions);
  }

  private static void putState(ObjectNode frame, CardFacts f) {
    frame.put("streaming", f.streaming());
    putDeadline(frame, f.deadline());
    frame.put("summary", f.summary());
  }

  private static void putDeadline(ObjectNode node, Long deadline) {
    if (deadline == null) {
      node.putNull("deadline");
    } else {
      node.put("deadline", deadline.longValue());
    }
  }

  private static void copy(ObjectNode from, ObjectNode to, String... fields) {
    for (String field : fields) {
      JsonNode value = from.get(field);
      if (value != null) {
        to.set(field, value);
      }
    }
  }
}
