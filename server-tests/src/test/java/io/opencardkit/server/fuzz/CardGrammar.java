package io.opencardkit.server.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Card JSON 2.0 built from the real tags and fields, then mutated: cards, components, settings and
 * batch actions that are mostly plausible, so that they reach deep into the validator and the
 * element tree before something is off.
 */
final class CardGrammar {
  static final List<String> CONTAINERS =
      List.of("column_set", "form", "interactive_container", "collapsible_panel");
  static final List<String> LEAVES =
      List.of(
          "markdown",
          "div",
          "img",
          "img_combination",
          "hr",
          "person",
          "person_list",
          "chart",
          "table",
          "audio",
          "button",
          "input",
          "overflow",
          "select_static",
          "multi_select_static",
          "select_person",
          "multi_select_person",
          "date_picker",
          "picker_time",
          "picker_datetime",
          "select_img",
          "checker");
  static final List<String> ODD_TAGS =
      List.of("plain_text", "lark_md", "note", "action", "column", "foo", "", "MARKDOWN");
  static final List<String> ACTIONS =
      List.of(
          "partial_update_setting",
          "add_elements",
          "delete_elements",
          "partial_update_element",
          "update_element");

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private final FuzzValues v;

  CardGrammar(FuzzValues values) {
    this.v = values;
  }

  /** A card, usually valid, sometimes with one to three mutations. */
  ObjectNode card(List<String> existingIds) {
    ObjectNode card = NODES.objectNode();
    card.put("schema", v.chance(0.95) ? "2.0" : v.oneOf("1.0", "", "2"));
    if (v.chance(0.7)) {
      card.set("config", config());
    }
    if (v.chance(0.6)) {
      ObjectNode header = card.putObject("header");
      header.set("title", textObject());
      if (v.chance(0.3)) {
        header.put("template", v.oneOf("blue", "red", "grey", "rainbow"));
      }
    }
    ArrayNode elements = card.putObject("body").putArray("elements");
    for (int i = v.below(6); i > 0; i--) {
      elements.add(component(0, existingIds));
    }
    return v.chance(0.4) ? (ObjectNode) mutate(card, existingIds) : card;
  }

  ObjectNode config() {
    ObjectNode config = NODES.objectNode();
    if (v.chance(0.6)) {
      config.put("streaming_mode", v.chance(0.9));
    }
    if (v.chance(0.2)) {
      config.put("update_multi", v.chance(0.7));
    }
    if (v.chance(0.3)) {
      config.putObject("summary").put("content", v.string());
    }
    if (v.chance(0.2)) {
      config.put("width_mode", v.oneOf("default", "compact", "fill", "wide"));
    }
    if (v.chance(0.2)) {
      ObjectNode streaming = config.putObject("streaming_config");
      streaming.put("print_strategy", v.oneOf("fast", "delay", "slow"));
      streaming.putObject("print_frequency_ms").set(v.oneOf("default", "pc", "web"), v.number());
      streaming.putObject("print_step").set("default", v.number());
    }
    if (v.chance(0.1)) {
      config.set(v.oneOf("enable_forward", "locales", "style"), v.anyJson(2));
    }
    return config;
  }

  ObjectNode textObject() {
    ObjectNode text = NODES.objectNode().put("tag", v.chance(0.8) ? "plain_text" : "lark_md");
    text.put("content", v.string());
    if (v.chance(0.2)) {
      text.set("element_id", v.elementIdNode());
    }
    return text;
  }

  /** A component with a real tag (mostly), its usual fields and, for containers, children. */
  ObjectNode component(int depth, List<String> existingIds) {
    boolean container = depth < 6 && v.chance(0.25);
    String tag =
        v.chance(0.05) ? v.oneOf(ODD_TAGS) : container ? v.oneOf(CONTAINERS) : v.oneOf(LEAVES);
    ObjectNode c = NODES.objectNode().put("tag", tag);
    if (v.chance(0.9)) {
      c.set(
          "element_id",
          !existingIds.isEmpty() && v.chance(0.05)
              ? NODES.textNode(v.oneOf(existingIds))
              : v.elementIdNode());
    }
    switch (tag) {
      case "markdown":
        c.put("content", v.string());
        break;
      case "div":
      case "button":
        c.set("text", textObject());
        if (tag.equals("button") && v.chance(0.5)) {
          // Callback data is the developer's: ids and tags inside it are not elements.
          c.putObject("value").put("element_id", v.validId()).put("tag", "markdown");
          c.putArray("behaviors")
              .addObject()
              .put("type", "open_url")
              .put("default_url", "https://example.com");
        }
        break;
      case "table":
        c.putArray("rows").addObject().put("element_id", "row_id").put("x", 1);
        break;
      case "chart":
        c.putObject("chart_spec").put("type", "bar");
        break;
      case "select_static":
      case "multi_select_static":
        c.putArray("options").addObject().set("text", textObject());
        break;
      case "column_set":
        {
          ArrayNode columns = c.putArray("columns");
          for (int i = v.below(3); i > 0; i--) {
            ObjectNode column =
                columns.addObject().put("tag", v.chance(0.95) ? "column" : "markdown");
            column.set("element_id", v.elementIdNode());
            children(column.putArray("elements"), depth + 1, existingIds);
          }
          break;
        }
      default:
        if (CONTAINERS.contains(tag)) {
          children(c.putArray("elements"), depth + 1, existingIds);
        }
    }
    return c;
  }

  private void children(ArrayNode into, int depth, List<String> existingIds) {
    for (int i = v.below(3); i > 0; i--) {
      into.add(component(depth, existingIds));
    }
  }

  /**
   * Settings as bots send them: wrapped in {@code config}/{@code card_link}, or bare config keys.
   */
  JsonNode settings() {
    if (v.chance(0.1)) {
      return v.anyJson(3);
    }
    ObjectNode config = config();
    if (v.chance(0.3)) {
      return config; // the unwrapped form
    }
    ObjectNode settings = NODES.objectNode();
    settings.set("config", v.chance(0.15) ? NODES.textNode(Json.write(config)) : config);
    if (v.chance(0.2)) {
      settings.putObject("card_link").put("url", "https://example.com");
    }
    return v.chance(0.3) ? mutate(settings, List.of()) : settings;
  }

  /**
   * A batch's actions, from the five real ones plus the odd unknown one, in their documented and
   * legacy forms.
   */
  JsonNode actions(List<String> existingIds) {
    ArrayNode actions = NODES.arrayNode();
    for (int i = 1 + v.below(4); i > 0; i--) {
      String name =
          v.chance(0.95) ? v.oneOf(ACTIONS) : v.oneOf("unknown_action", "", "ADD_ELEMENTS");
      ObjectNode params = NODES.objectNode();
      switch (name) {
        case "partial_update_setting":
          params.set("settings", settings());
          break;
        case "add_elements":
          params.put("type", v.oneOf("insert_before", "insert_after", "append", "prepend"));
          if (v.chance(0.7)) {
            params.set("target_element_id", targetId(existingIds));
          }
          params.set(v.chance(0.9) ? "elements" : "element_list", elements(existingIds));
          break;
        case "delete_elements":
          {
            ArrayNode ids = params.putArray(v.chance(0.9) ? "element_ids" : "element_id_list");
            for (int k = v.below(3); k > 0; k--) {
              ids.add(targetId(existingIds));
            }
            break;
          }
        case "partial_update_element":
          params.set(v.chance(0.9) ? "element_id" : "id", targetId(existingIds));
          params.set("partial_element", partialElement(existingIds));
          break;
        case "update_element":
          params.set("element_id", targetId(existingIds));
          params.set("element", component(0, existingIds));
          break;
        default:
          params.set("x", v.anyJson(2));
      }
      ObjectNode action = actions.addObject().put("action", name);
      action.set("params", v.chance(0.1) ? NODES.textNode(Json.write(params)) : params);
    }
    return v.chance(0.3) ? mutate(actions, existingIds) : actions;
  }

  ArrayNode elements(List<String> existingIds) {
    ArrayNode elements = NODES.arrayNode();
    for (int i = v.below(4); i > 0; i--) {
      elements.add(component(v.below(4), existingIds));
    }
    return elements;
  }

  ObjectNode partialElement(List<String> existingIds) {
    ObjectNode partial = NODES.objectNode();
    if (v.chance(0.6)) {
      partial.put("content", v.string());
    }
    if (v.chance(0.2)) {
      partial.set("element_id", v.elementIdNode());
    }
    if (v.chance(0.15)) {
      partial.put("tag", v.chance(0.5) ? v.oneOf(LEAVES) : v.oneOf(ODD_TAGS));
    }
    if (v.chance(0.2)) {
      partial.set(
          v.oneOf("text", "elements", "columns", "value", "config"),
          v.chance(0.5) ? v.anyJson(2) : elements(existingIds));
    }
    return partial;
  }

  /** An id that exists in the target card (mostly) or not. */
  JsonNode targetId(List<String> existingIds) {
    return !existingIds.isEmpty() && v.chance(0.75)
        ? NODES.textNode(v.oneOf(existingIds))
        : v.elementIdNode();
  }

  /**
   * One to three random edits anywhere in the tree: remove, retype, duplicate, re-tag, or re-id a
   * node.
   */
  JsonNode mutate(JsonNode root, List<String> existingIds) {
    JsonNode copy = root.deepCopy();
    for (int n = 1 + v.below(3); n > 0; n--) {
      List<ContainerNode<?>> containers = new ArrayList<>();
      collect(copy, containers);
      ContainerNode<?> node = v.oneOf(containers);
      if (node instanceof ObjectNode object) {
        List<String> keys = new ArrayList<>();
        object.fieldNames().forEachRemaining(keys::add);
        String key =
            keys.isEmpty() || v.chance(0.2)
                ? v.oneOf("tag", "element_id", "elements", "content", "columns")
                : v.oneOf(keys);
        switch (v.below(6)) {
          case 0:
            object.remove(key);
            break;
          case 1:
            object.set(key, v.anyJson(2));
            break;
          case 2:
            object.put("tag", v.chance(0.5) ? v.oneOf(LEAVES) : v.oneOf(ODD_TAGS));
            break;
          case 3:
            object.set(
                "element_id",
                v.chance(0.5) && !existingIds.isEmpty()
                    ? NODES.textNode(v.oneOf(existingIds))
                    : v.elementIdNode());
            break;
          case 4:
            object.set(key, NODES.textNode(Json.write(object.path(key))));
            break;
          default:
            object.putArray(v.oneOf("elements", "columns")).add(component(v.below(6), existingIds));
        }
      } else {
        ArrayNode array = (ArrayNode) node;
        if (!array.isEmpty() && v.chance(0.5)) {
          array.add(
              array.get(v.below(array.size())).deepCopy()); // a duplicate: duplicate element ids
        } else if (!array.isEmpty() && v.chance(0.5)) {
          array.remove(v.below(array.size()));
        } else {
          array.add(v.chance(0.7) ? component(v.below(6), existingIds) : v.anyJson(2));
        }
      }
    }
    return copy;
  }

  private static void collect(JsonNode node, List<ContainerNode<?>> into) {
    if (node instanceof ContainerNode<?> container) {
      into.add(container);
      for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
        collect(it.next(), into);
      }
    }
  }
}
