package io.opencardkit.server.bots.callback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.Json;
import io.opencardkit.core.card.ElementTree;

/**
 * Builds a callback's {@code action} object from what the page posted and the card the user saw.
 * The component's own callback value ({@code behaviors[type=callback].value}, else its legacy
 * {@code value}) and tag are taken from the card when the element is found, so a bot receives what
 * it put into the card; the page's fields fill in the rest (option, options, form_value,
 * input_value, name, checked). Pure.
 */
final class CallbackActions {
  private static final String[] USER_FIELDS = {
    "option", "options", "form_value", "input_value", "name", "checked", "timezone"
  };

  private CallbackActions() {}

  /**
   * @param posted the page's fields ({@code tag, element_id, name, value, option, options,
   *     form_value, input_value, checked})
   * @param card the card JSON the interaction happened on, or {@code null}
   */
  static ObjectNode of(ObjectNode posted, ObjectNode card) {
    ObjectNode element = null;
    String elementId = posted.path("element_id").asText(null);
    if (card != null && elementId != null) {
      element = ElementTree.find(card, elementId);
    }
    ObjectNode action = Json.object();
    JsonNode value = element == null ? null : valueOf(element);
    if (value == null) {
      value = posted.get("value");
    }
    action.set("value", value == null || value.isNull() ? Json.object() : value.deepCopy());
    action.put(
        "tag",
        element != null && element.path("tag").isTextual()
            ? element.get("tag").asText()
            : posted.path("tag").asText());
    for (String field : USER_FIELDS) {
      JsonNode given = posted.get(field);
      if (given != null && !given.isNull()) {
        action.set(field, given.deepCopy());
      }
    }
    if (!action.has("name") && element != null && element.path("name").isTextual()) {
      action.put("name", element.get("name").asText());
    }
    return action;
  }

  private static JsonNode valueOf(ObjectNode element) {
    for (JsonNode behavior : element.path("behaviors")) {
      if ("callback".equals(behavior.path("type").asText()) && behavior.has("value")) {
        return behavior.get("value");
      }
    }
    return element.get("value");
  }
}
