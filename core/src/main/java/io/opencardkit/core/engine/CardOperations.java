package io.opencardkit.core.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.ApiException;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.Json;
import io.opencardkit.core.card.ElementTree;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Normalises the request forms bots send into one payload shape, and applies structural payloads to
 * a card tree.
 *
 * <p>The same {@code apply*} code runs when a request is decided (on a copy) and when a stored
 * event is replayed, so replay gives the acknowledged state by construction.
 */
public final class CardOperations {
  /**
   * Keys that, found at the top of a settings object, mean the bot sent {@code config} without its
   * wrapper.
   */
  private static final Set<String> WRAPPER_KEYS = Set.of("config", "card_link");

  private CardOperations() {}

  /**
   * Normalises a settings object to {@code {config?, card_link?}}. Accepts the documented form
   * {@code {"config":{…},"card_link":{…}}} and the unwrapped form {@code {"streaming_mode":false}}
   * that the vendor's own plugin sends.
   */
  public static ObjectNode normalizeSettings(JsonNode settings) {
    if (settings == null || !settings.isObject()) {
      throw ApiException.of(ErrorCode.INVALID_PARAMETER, "settings must be a JSON object");
    }
    ObjectNode normalized = Json.object();
    boolean wrapped = false;
    for (Iterator<String> it = settings.fieldNames(); it.hasNext(); ) {
      wrapped |= WRAPPER_KEYS.contains(it.next());
    }
    if (wrapped) {
      copyObjectField(settings, normalized, "config");
      copyObjectField(settings, normalized, "card_link");
    } else {
      normalized.set("config", settings.deepCopy());
    }
    if (normalized.isEmpty()
        || (normalized.has("config")
            && normalized.get("config").isEmpty()
            && !normalized.has("card_link"))) {
      throw ApiException.of(ErrorCode.EMPTY_DSL, "settings has nothing to change");
    }
    return normalized;
  }

  private static void copyObjectField(JsonNode from, ObjectNode to, String field) {
    JsonNode value = from.get(field);
    if (value == null || value.isNull()) {
      return;
    }
    value = unwrapJsonString(value);
    if (!value.isObject()) {
      throw ApiException.of(ErrorCode.INVALID_PARAMETER, field + " must be a JSON object");
    }
    to.set(field, value.deepCopy());
  }

  /**
   * Values inside batch actions may be nested objects or JSON-encoded strings; both mean the same.
   */
  static JsonNode unwrapJsonString(JsonNode value) {
    if (value != null && value.isTextual()) {
      JsonNode parsed = Json.parseOrNull(value.asText());
      if (parsed != null && (parsed.isObject() || parsed.isArray())) {
        String invalid = Json.loneSurrogatePath(parsed);
        if (invalid != null) {
          // the escape of half a surrogate pair: stores would keep "?" for it, not the text the bot
          // sent
          throw ApiException.of(
              ErrorCode.INVALID_PARAMETER,
              "a JSON-encoded value in actions is not valid Unicode at " + invalid);
        }
        return parsed;
      }
    }
    return value;
  }

  /** Merges normalised settings into a card: each given {@code config} key replaces the old one. */
  static void applySettings(ObjectNode card, ObjectNode settings) {
    JsonNode config = settings.get("config");
    if (config != null) {
      JsonNode existing = card.get("config");
      ObjectNode target =
          existing != null && existing.isObject()
              ? (ObjectNode) existing
              : card.putObject("config");
      for (Iterator<Map.Entry<String, JsonNode>> it = config.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        target.set(field.getKey(), field.getValue().deepCopy());
      }
    }
    JsonNode cardLink = settings.get("card_link");
    if (cardLink != null) {
      card.set("card_link", cardLink.deepCopy());
    }
  }

  /**
   * Normalises a batch's {@code actions} (a JSON array, or a JSON string holding one) to {@code
   * [{action, params}]} with the documented parameter names.
   */
  public static ArrayNode normalizeActions(JsonNode actions) {
    actions = unwrapJsonString(actions);
    if (actions == null || !actions.isArray() || actions.isEmpty()) {
      throw ApiException.of(ErrorCode.INVALID_PARAMETER, "actions must be a non-empty JSON array");
    }
    ArrayNode normalized = Json.MAPPER.createArrayNode();
    for (int i = 0; i < actions.size(); i++) {
      JsonNode action = unwrapJsonString(actions.get(i));
      if (!action.isObject() || !action.path("action").isTextual()) {
        throw ApiException.of(
            ErrorCode.INVALID_PARAMETER, "actions[" + i + "] needs an action name");
      }
      JsonNode params = unwrapJsonString(action.get("params"));
      if (params == null || !params.isObject()) {
        throw ApiException.of(
            ErrorCode.INVALID_PARAMETER, "actions[" + i + "].params must be an object");
      }
      ObjectNode out = normalized.addObject();
      String name = action.get("action").asText();
      out.put("action", name);
      out.set("params", normalizeParams(name, params, i));
    }
    return normalized;
  }

  private static ObjectNode normalizeParams(String action, JsonNode params, int i) {
    ObjectNode out = Json.object();
    switch (action) {
      case "partial_update_setting":
        {
          // The documented form wraps in "settings"; older SDK docs put config/card_link directly
          // in params.
          JsonNode settings =
              params.has("settings") ? unwrapJsonString(params.get("settings")) : params;
          out.set("settings", normalizeSettings(settings));
          break;
        }
      case "add_elements":
        {
          String type = params.path("type").asText("");
          out.put("type", type);
          String target = text(params, "target_element_id");
          if (target != null) {
            out.put("target_element_id", target);
          }
          JsonNode elements =
              params.has("elements") ? params.get("elements") : params.get("element_list");
          out.set("elements", elementArray(elements, "actions[" + i + "].params.elements"));
          break;
        }
      case "delete_elements":
        {
          JsonNode ids =
              unwrapJsonString(
                  params.has("element_ids")
                      ? params.get("element_ids")
                      : params.get("element_id_list"));
          if (ids == null || !ids.isArray() || ids.isEmpty()) {
            throw ApiException.of(
                ErrorCode.INVALID_PARAMETER,
                "actions[" + i + "].params.element_ids must be a non-empty array");
          }
          ArrayNode idArray = out.putArray("element_ids");
          ids.forEach(id -> idArray.add(id.asText()));
          break;
        }
      case "partial_update_element":
        out.put("element_id", requireElementId(params, i));
        out.set(
            "partial_element",
            requireObject(
                params.get("partial_element"), "actions[" + i + "].params.partial_element"));
        break;
      case "update_element":
        out.put("element_id", requireElementId(params, i));
        out.set(
            "element", requireObject(params.get("element"), "actions[" + i + "].params.element"));
        break;
      default:
        throw ApiException.of(
            ErrorCode.INVALID_PARAMETER, "actions[" + i + "]: unknown action " + action);
    }
    return out;
  }

  private static String requireElementId(JsonNode params, int i) {
    String id = text(params, "element_id");
    if (id == null) {
      id = text(params, "id"); // the older SDK docs call it "id"
    }
    if (id == null || id.isEmpty()) {
      throw ApiException.of(
          ErrorCode.INVALID_PARAMETER, "actions[" + i + "].params.element_id is required");
    }
    return id;
  }

  private static @Nullable String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  /** A JSON array of component objects (or a JSON string holding one). */
  public static ArrayNode elementArray(JsonNode elements, String what) {
    elements = unwrapJsonString(elements);
    if (elements == null || !elements.isArray() || elements.isEmpty()) {
      throw ApiException.of(
          ErrorCode.INVALID_PARAMETER, what + " must be a non-empty JSON array of components");
    }
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (int i = 0; i < elements.size(); i++) {
      out.add(requireObject(elements.get(i), what + "[" + i + "]"));
    }
    return out;
  }

  /** A JSON object (or a JSON string holding one). */
  public static ObjectNode requireObject(JsonNode value, String what) {
    value = unwrapJsonString(value);
    if (value == null || !value.isObject()) {
      throw ApiException.of(ErrorCode.INVALID_PARAMETER, what + " must be a JSON object");
    }
    return (ObjectNode) value.deepCopy();
  }

  /** Applies a structural payload (see {@link EventType}) to a card tree in place. */
  static void applyStructural(ObjectNode card, EventType type, ObjectNode p) {
    switch (type) {
      case ELEMENTS_ADDED:
        ElementTree.insert(
            card,
            p.get("type").asText(),
            textOrNull(p, "target_element_id"),
            copies(p.get("elements")));
        break;
      case ELEMENT_UPDATED:
        ElementTree.replace(
            card, p.get("element_id").asText(), (ObjectNode) p.get("element").deepCopy());
        break;
      case ELEMENT_PATCHED:
        ElementTree.patch(
            card, p.get("element_id").asText(), (ObjectNode) p.get("partial_element"));
        break;
      case ELEMENTS_DELETED:
        for (JsonNode id : p.get("element_ids")) {
          ElementTree.delete(card, id.asText());
        }
        break;
      case BATCH:
        for (JsonNode action : p.get("actions")) {
          applyAction(card, action.get("action").asText(), (ObjectNode) action.get("params"));
        }
        break;
      default:
        throw new IllegalArgumentException("not a structural event: " + type);
    }
  }

  private static void applyAction(ObjectNode card, String action, ObjectNode params) {
    switch (action) {
      case "partial_update_setting":
        applySettings(card, (ObjectNode) params.get("settings"));
        break;
      case "add_elements":
        applyStructural(card, EventType.ELEMENTS_ADDED, params);
        break;
      case "delete_elements":
        applyStructural(card, EventType.ELEMENTS_DELETED, params);
        break;
      case "partial_update_element":
        applyStructural(card, EventType.ELEMENT_PATCHED, params);
        break;
      case "update_element":
        applyStructural(card, EventType.ELEMENT_UPDATED, params);
        break;
      default:
        throw new IllegalArgumentException("unknown action " + action);
    }
  }

  private static @Nullable String textOrNull(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() || value.asText().isEmpty() ? null : value.asText();
  }

  private static List<ObjectNode> copies(JsonNode array) {
    List<ObjectNode> out = new ArrayList<>(array.size());
    array.forEach(e -> out.add((ObjectNode) e.deepCopy()));
    return out;
  }
}
