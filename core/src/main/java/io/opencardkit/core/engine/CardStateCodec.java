package io.opencardkit.core.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.Json;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes a card's persisted state to JSON for snapshots, and reads it back. */
public final class CardStateCodec {
  private CardStateCodec() {}

  public static String write(CardState state) {
    ObjectNode node = Json.object();
    node.put("app_id", state.appId());
    node.put("created_at", state.createdAtMillis());
    node.put("version", state.version());
    node.put("last_sequence", state.lastSequence());
    node.put("streaming_opened_at", state.streamingOpenedAtMillis());
    node.put("sent_message_id", state.sentMessageId());
    node.put("sent_chat_id", state.sentChatId());
    if (state.sentVersion() > 0) {
      node.put("sent_version", state.sentVersion());
    }
    ObjectNode uuids = node.putObject("uuids");
    state.uuidFingerprints().forEach(uuids::put);
    if (state.interactionsInFlight() > 0) {
      node.put("interactions_in_flight", state.interactionsInFlight());
      node.put("interaction_locked_until", state.interactionLockedUntil());
    }
    node.set("card", state.card());
    return Json.write(node);
  }

  public static CardState read(String cardId, String json) {
    JsonNode node = Json.parseOrNull(json);
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("snapshot of card " + cardId + " is not a JSON object");
    }
    Map<String, String> uuids = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.path("uuids").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      uuids.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText());
    }
    CardState state = new CardState(cardId);
    state.restore(
        node.get("app_id").asText(),
        node.get("created_at").asLong(),
        (ObjectNode) node.get("card").deepCopy(),
        node.get("version").asLong(),
        node.get("last_sequence").asInt(),
        node.get("streaming_opened_at").asLong(),
        node.path("sent_message_id").isNull() ? null : node.get("sent_message_id").asText(),
        node.path("sent_chat_id").isNull() || node.path("sent_chat_id").isMissingNode()
            ? null
            : node.get("sent_chat_id").asText(),
        node.path("sent_version").asLong(0),
        uuids,
        node.path("interactions_in_flight").asInt(0),
        node.path("interaction_locked_until").asLong(Long.MIN_VALUE));
    return state;
  }
}
