package io.opencardkit.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.card.ElementTree;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a page holds of each card (version and the text of element {@code md}), built only from
 * frames, the way the page applies them. It records every frame that would leave a gap or repeat a
 * version.
 */
final class PageModel {
  private final Map<String, Long> versions = new HashMap<>();
  private final Map<String, String> texts = new HashMap<>();
  private final List<String> violations = new ArrayList<>();

  /** Starts from what the page loaded over HTTP. */
  void hold(String cardId, long version, String text) {
    versions.put(cardId, version);
    texts.put(cardId, text);
  }

  void applyAll(List<JsonNode> frames) {
    frames.forEach(this::apply);
  }

  void apply(JsonNode frame) {
    switch (frame.path("type").asText()) {
      case "message":
        {
          JsonNode card = frame.path("message").path("card");
          if (card.isObject()) {
            hold(
                card.get("card_id").asText(), card.get("version").asLong(), mdOf(card.get("card")));
          }
          break;
        }
      case "snapshot":
        hold(frame.get("card_id").asText(), frame.get("version").asLong(), mdOf(frame.get("card")));
        break;
      case "card":
        applyCard(frame);
        break;
      default:
        break;
    }
  }

  private void applyCard(JsonNode frame) {
    String cardId = frame.get("card_id").asText();
    Long held = versions.get(cardId);
    if (held == null) {
      return; // a card the page does not show
    }
    long version = frame.get("version").asLong();
    if (version != held + 1) {
      violations.add("card " + cardId + ": version " + version + " after " + held);
      return;
    }
    versions.put(cardId, version);
    String op = frame.get("op").asText();
    if ("append".equals(op)) {
      String text = texts.get(cardId);
      int offset =
          frame.has("offset")
              ? frame.get("offset").asInt()
              : text.length(); // compact frames append at the end
      texts.put(cardId, text.substring(0, offset) + frame.get("text").asText());
    } else if ("replace".equals(op)) {
      texts.put(cardId, frame.get("text").asText());
    }
  }

  private static String mdOf(JsonNode card) {
    ObjectNode md = ElementTree.find((ObjectNode) card, "md");
    return md == null ? null : ElementTree.content(md);
  }

  long version(String cardId) {
    return versions.getOrDefault(cardId, 0L);
  }

  String text(String cardId) {
    return texts.get(cardId);
  }

  List<String> violations() {
    return violations;
  }
}
