package io.opencardkit.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.Json;
import io.opencardkit.core.engine.CardEvent;
import io.opencardkit.core.engine.CardState;
import java.util.List;

/** The inspector's JSON: a card's state, its event log and its recent refusals. Pure functions. */
final class Inspector {
  /** How many of the newest events the inspector shows. */
  static final int MAX_EVENTS = 500;

  private Inspector() {}

  /**
   * The protocol's {@code EventView}; {@code size} is the increment's length for content events.
   */
  static ObjectNode eventView(CardEvent e) {
    ObjectNode node =
        Json.object()
            .put("version", e.version())
            .put("type", e.type().wireName())
            .put("at", e.atMillis());
    node.put("app_id", e.appId())
        .put("sequence", e.sequence())
        .put("uuid", e.uuid())
        .put("op", Frames.op(e.type()));
    JsonNode elementId = e.payload().get("element_id");
    if (elementId != null) {
      node.put("element_id", elementId.asText());
    } else {
      node.putNull("element_id");
    }
    JsonNode text = e.payload().get("text");
    if (text != null) {
      node.put("size", text.asText().length());
    } else {
      node.putNull("size");
    }
    node.set("change", Frames.change(e)); // what viewers received, so a replay re-types exactly
    return node;
  }

  /** The state part, read under the card handle's monitor (so the card JSON is copied there). */
  static ObjectNode state(CardState state, long nowMillis, long streamingTimeoutMillis) {
    ObjectNode node = Json.object().put("card_id", state.cardId());
    node.put("message_id", state.sentMessageId()).put("chat_id", state.sentChatId());
    node.put("version", state.version()).put("last_sequence", state.lastSequence());
    node.set("card", state.card().deepCopy());
    ObjectNode streaming = node.putObject("streaming");
    boolean on = state.isStreaming(nowMillis, streamingTimeoutMillis);
    streaming.put("on", on);
    if (state.streamingMode()) {
      long deadline = state.streamingOpenedAtMillis() + streamingTimeoutMillis;
      streaming.put("opened_at", state.streamingOpenedAtMillis()).put("deadline", deadline);
      streaming.put("remaining_ms", Math.max(0, deadline - nowMillis));
    } else {
      streaming.putNull("opened_at").putNull("deadline").put("remaining_ms", 0);
    }
    return node;
  }

  /** The whole answer: state, events (oldest first) and refusals. */
  static ObjectNode answer(ObjectNode state, List<CardEvent> events, ArrayNode refused) {
    ArrayNode eventViews = state.putArray("events");
    events.forEach(e -> eventViews.add(eventView(e)));
    state.set("refused", refused);
    return state;
  }
}
