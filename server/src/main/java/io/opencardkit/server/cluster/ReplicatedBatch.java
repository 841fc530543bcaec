package io.opencardkit.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.Json;
import io.opencardkit.core.engine.CardEvent;
import io.opencardkit.core.engine.EventType;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.core.store.WriteBatch;
import io.opencardkit.server.web.FrameExchange.CardFrames;
import io.opencardkit.server.web.FrameExchange.Frame;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a node tells the others after committing one or more batches: their events, messages and
 * key/value entries in commit order (snapshots stay home: every node can rebuild them), as one JSON
 * message {@code {"t":"batch","n":7,"events":[…],"messages":[…],"meta":{…}}}, {@code n} numbering
 * the sender's batch messages. Field names are the store's column names, so the format outlives
 * refactorings of the records. A heartbeat, {@code {"t":"alive","n":7}}, repeats the number of the
 * sender's last batch message.
 *
 * <p>The viewers' frames the sender built for the events (see {@link
 * io.opencardkit.server.web.FrameExchange}) follow the JSON, after the character U+001E (which JSON
 * text never holds unescaped): their texts one after the other, as they are, described in the JSON
 * by {@code "frames":[{"card_id","chat_id","message_id","streaming","deadline",
 * "f":[[version,chars,stream,element_id],…]},…]} ({@code stream} 0 and {@code element_id} null for
 * a frame that is not a compact append). So the texts are neither escaped into JSON nor parsed as
 * JSON by the receiver. Nodes of one version only: a node before this format would not read the
 * frames, nor necessarily the JSON before them.
 */
record ReplicatedBatch(
    List<CardEvent> events,
    List<MessageRecord> messages,
    Map<String, String> meta,
    List<CardFrames> frames) {
  static final String TYPE = "batch";
  static final String HEARTBEAT_TYPE = "alive";

  /** Separates the JSON from the frames' texts (ASCII record separator). */
  static final char TEXTS = '\u001e';

  /**
   * The message numbered {@code number} for committed batches, or {@code null} when they hold
   * nothing to share.
   */
  static String encode(List<WriteBatch> batches, long number) {
    return encode(batches, number, List.of());
  }

  /**
   * {@link #encode(List, long)} with the viewers' frames this node built for the batches' events.
   */
  static String encode(List<WriteBatch> batches, long number, List<CardFrames> frames) {
    if (batches.stream()
        .allMatch(b -> b.events().isEmpty() && b.messages().isEmpty() && b.meta().isEmpty())) {
      return null;
    }
    ObjectNode root = Json.object().put("t", TYPE).put("n", number);
    ArrayNode events = root.putArray("events");
    ArrayNode messages = root.putArray("messages");
    ObjectNode meta = root.putObject("meta");
    for (WriteBatch batch : batches) {
      put(batch, events, messages, meta);
    }
    if (frames.isEmpty()) {
      return Json.write(root);
    }
    StringBuilder texts = new StringBuilder();
    ArrayNode described = root.putArray("frames");
    for (CardFrames card : frames) {
      ObjectNode node =
          described.addObject().put("card_id", card.cardId()).put("chat_id", card.chatId());
      node.put("message_id", card.messageId())
          .put("streaming", card.streaming())
          .put("deadline", card.deadline());
      ArrayNode list = node.putArray("f");
      for (Frame frame : card.frames()) {
        list.addArray()
            .add(frame.version())
            .add(frame.text().length())
            .add(frame.stream())
            .add(frame.elementId());
        texts.append(frame.text());
      }
    }
    return Json.write(root) + TEXTS + texts;
  }

  private static void put(WriteBatch batch, ArrayNode events, ArrayNode messages, ObjectNode meta) {
    for (CardEvent e : batch.events()) {
      ObjectNode node = events.addObject();
      node.put("card_id", e.cardId())
          .put("version", e.version())
          .put("type", e.type().wireName())
          .put("at", e.atMillis());
      node.put("app_id", e.appId())
          .put("sequence", e.sequence())
          .put("uuid", e.uuid())
          .put("fingerprint", e.fingerprint());
      node.set("payload", e.payload());
    }
    for (MessageRecord m : batch.messages()) {
      ObjectNode node = messages.addObject();
      node.put("message_id", m.messageId())
          .put("chat_id", m.chatId())
          .put("sender_id", m.senderId());
      node.put("sender_type", m.senderType())
          .put("msg_type", m.msgType())
          .put("content", m.content());
      node.put("card_id", m.cardId())
          .put("root_id", m.rootId())
          .put("parent_id", m.parentId())
          .put("uuid", m.uuid());
      node.put("created_at", m.createdAtMillis()).put("updated_at", m.updatedAtMillis());
    }
    batch
        .meta()
        .forEach(
            meta::put); // a later batch's value of a key replaces an earlier one's, as in the store
  }

  /**
   * The heartbeat of a node whose last batch message was numbered {@code lastNumber} (0: none yet).
   */
  static String heartbeat(long lastNumber) {
    return Json.write(Json.object().put("t", HEARTBEAT_TYPE).put("n", lastNumber));
  }

  /** Reads a message of type {@value #TYPE} without frames. */
  static ReplicatedBatch decode(JsonNode root) {
    return decode(root, "", 0);
  }

  /**
   * Reads a message of type {@value #TYPE}: {@code root} is its JSON, and the frames' texts start
   * at {@code textsAt} in {@code message}. Frames whose texts do not fit are left out (the receiver
   * builds them).
   */
  static ReplicatedBatch decode(JsonNode root, String message, int textsAt) {
    List<CardEvent> events = new ArrayList<>();
    for (JsonNode n : root.path("events")) {
      events.add(
          new CardEvent(
              n.get("card_id").asText(),
              n.get("version").asLong(),
              EventType.fromWireName(n.get("type").asText()),
              n.get("at").asLong(),
              text(n, "app_id"),
              n.get("sequence").asInt(),
              text(n, "uuid"),
              text(n, "fingerprint"),
              (ObjectNode) n.get("payload")));
    }
    List<MessageRecord> messages = new ArrayList<>();
    for (JsonNode n : root.path("messages")) {
      messages.add(
          new MessageRecord(
              n.get("message_id").asText(),
              n.get("chat_id").asText(),
              n.get("sender_id").asText(),
              n.get("sender_type").asText(),
              n.get("msg_type").asText(),
              n.get("content").asText(),
              text(n, "card_id"),
              text(n, "root_id"),
              text(n, "parent_id"),
              text(n, "uuid"),
              n.get("created_at").asLong(),
              n.get("updated_at").asLong()));
    }
    Map<String, String> meta = new LinkedHashMap<>();
    root.path("meta").fields().forEachRemaining(e -> meta.put(e.getKey(), e.getValue().asText()));
    return new ReplicatedBatch(
        events, messages, meta, frames(root.path("frames"), message, textsAt));
  }

  private static List<CardFrames> frames(JsonNode described, String message, int textsAt) {
    List<CardFrames> cards = new ArrayList<>(described.size());
    int at = textsAt;
    for (JsonNode card : described) {
      List<Frame> frames = new ArrayList<>(card.path("f").size());
      for (JsonNode f : card.path("f")) {
        int chars = f.get(1).asInt();
        if (chars < 0 || at + chars > message.length()) {
          return cards;
        }
        JsonNode element = f.get(3);
        frames.add(
            new Frame(
                f.get(0).asLong(),
                message.substring(at, at + chars),
                f.get(2).asLong(),
                element == null || element.isNull() ? null : element.asText()));
        at += chars;
      }
      JsonNode deadline = card.get("deadline");
      cards.add(
          new CardFrames(
              card.get("card_id").asText(),
              card.get("chat_id").asText(),
              text(card, "message_id"),
              card.path("streaming").asBoolean(),
              deadline == null || deadline.isNull() ? null : deadline.asLong(),
              frames));
    }
    return cards;
  }

  /** The events grouped by card, each group in version order as committed. */
  List<List<CardEvent>> eventsByCard() {
    Map<String, List<CardEvent>> byCard = new LinkedHashMap<>();
    events.forEach(e -> byCard.computeIfAbsent(e.cardId(), k -> new ArrayList<>()).add(e));
    return new ArrayList<>(byCard.values());
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
