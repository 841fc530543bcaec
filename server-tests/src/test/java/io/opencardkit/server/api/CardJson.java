package io.opencardkit.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.opencardkit.core.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Card JSON the tests send, written with single quotes for readability, and helpers to read cards
 * back.
 */
final class CardJson {
  private CardJson() {}

  /** Turns single-quoted JSON into JSON (the texts used here contain no apostrophes). */
  static String json(String singleQuoted) {
    return singleQuoted.replace('\'', '"');
  }

  /**
   * The guide's step-1 card: streaming on, empty custom summary, streaming_config, one markdown
   * {@code markdown_1}.
   */
  static final String GUIDE_CARD =
      json(
          "{'schema':'2.0','header':{'title':{'content':'卡片标题','tag':'plain_text'}},"
              + "'config':{'streaming_mode':true,'summary':{'content':''},"
              + "'streaming_config':{'print_frequency_ms':{'default':70,'android':70,'ios':70,'pc':70},"
              + "'print_step':{'default':1,'android':1,'ios':1,'pc':1},'print_strategy':'fast'}},"
              + "'body':{'elements':[{'tag':'markdown','content':'卡片内容','element_id':'markdown_1'}]}}");

  /** A 2.0 card in streaming mode with one markdown {@code md_1} holding {@code text}. */
  static String streaming(String text) {
    return json(
        "{'schema':'2.0','config':{'streaming_mode':true},"
            + "'body':{'elements':[{'tag':'markdown','element_id':'md_1','content':'"
            + text
            + "'}]}}");
  }

  /** A 2.0 card, not streaming, whose body holds these components (single-quoted JSON objects). */
  static String withElements(String... elements) {
    return json("{'schema':'2.0','body':{'elements':[" + String.join(",", elements) + "]}}");
  }

  static String markdown(String elementId, String text) {
    return "{'tag':'markdown','element_id':'" + elementId + "','content':'" + text + "'}";
  }

  static String button(String elementId, String label) {
    return "{'tag':'button','element_id':'"
        + elementId
        + "','text':{'tag':'plain_text','content':'"
        + label
        + "'}}";
  }

  /** A JSON array of components, as the element APIs take it. */
  static String array(String... elements) {
    return json("[" + String.join(",", elements) + "]");
  }

  /** The IM content that shows a card entity. */
  static String entity(String cardId) {
    return json("{'type':'card','data':{'card_id':'" + cardId + "'}}");
  }

  static JsonNode parse(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }

  /** The element ids of {@code body.elements}, in order. */
  static List<String> bodyIds(JsonNode card) {
    return ids(card.path("body").path("elements"));
  }

  /** The element ids of a JSON array of components, in order. */
  static List<String> ids(JsonNode components) {
    List<String> ids = new ArrayList<>();
    if (components instanceof ArrayNode) {
      components.forEach(c -> ids.add(c.path("element_id").asText()));
    }
    return ids;
  }

  /**
   * The element with this id anywhere in the card (not in the bot's callback values), or a missing
   * node.
   */
  static JsonNode element(JsonNode card, String elementId) {
    if (card.isObject() && elementId.equals(card.path("element_id").asText(null))) {
      return card;
    }
    List<JsonNode> children = new ArrayList<>();
    if (card.isArray()) {
      card.forEach(children::add);
    } else {
      for (Iterator<Map.Entry<String, JsonNode>> it = card.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (!field.getKey().equals("value")) {
          children.add(field.getValue());
        }
      }
    }
    for (JsonNode child : children) {
      JsonNode found = element(child, elementId);
      if (!found.isMissingNode()) {
        return found;
      }
    }
    return MissingNode.getInstance();
  }

  /** The {@code content} of the element with this id. */
  static String text(JsonNode card, String elementId) {
    return element(card, elementId).path("content").asText(null);
  }
}
