package io.opencardkit.server.fuzz;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.Json;
import io.opencardkit.server.fuzz.FuzzClient.Request;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds one random request for an endpoint: usually the endpoint's own body shape with a few
 * fields broken, sometimes any JSON, text that is almost JSON, raw bytes, no body, or an oversized
 * field.
 */
final class FuzzRequests {
  static final String CARDS = "/open-apis/cardkit/v1/cards";
  static final String MESSAGES = "/open-apis/im/v1/messages";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  static final List<String> ODD_IDS =
      List.of(
          "",
          "abc",
          "1".repeat(21),
          "..",
          ".",
          "%",
          "id_convert",
          " ",
          "中文",
          "0",
          "-1",
          "7".repeat(19) + "x",
          "a/b",
          "?x=1");

  /** The endpoints, and whether each changes a card named in its path. */
  enum Endpoint {
    CREATE(false),
    ID_CONVERT(false),
    SETTINGS(true),
    REPLACE(true),
    BATCH(true),
    ADD_ELEMENTS(true),
    UPDATE_ELEMENT(true),
    PATCH_ELEMENT(true),
    CONTENT(true),
    DELETE_ELEMENT(true),
    IM_SEND(false),
    IM_LIST(false),
    IM_REPLY(false),
    IM_GET(false),
    IM_PATCH(false),
    TOKEN(false);

    final boolean cardMutation;

    Endpoint(boolean cardMutation) {
      this.cardMutation = cardMutation;
    }
  }

  /**
   * One generated request.
   *
   * @param cardId the card id put in the path, or null
   * @param asOther whether the other bot (not the target's owner) sends it
   * @param body the JSON object sent, or null when the body is something else
   */
  record FuzzCase(
      Endpoint endpoint, String cardId, boolean asOther, ObjectNode body, Request request) {
    /** The body's sequence when it is a valid int32, else null. */
    Integer sequence() {
      JsonNode s = body == null ? null : body.get("sequence");
      return s != null && s.isIntegralNumber() && s.canConvertToInt() ? s.intValue() : null;
    }
  }

  private final FuzzValues v;
  private final CardGrammar grammar;
  private final FuzzWorld world;
  private final ImBodies im;
  private long uuids;

  FuzzRequests(FuzzValues values, FuzzWorld world) {
    this.v = values;
    this.grammar = new CardGrammar(values);
    this.world = world;
    this.im = new ImBodies(values, grammar, world);
  }

  FuzzCase next(Endpoint endpoint) {
    String cardId = endpoint.cardMutation ? cardId() : null;
    String elementId = elementId();
    ObjectNode body = NODES.objectNode();
    String path;
    String method;
    switch (endpoint) {
      case CREATE:
        method = "POST";
        path = CARDS;
        body.put("type", v.chance(0.9) ? "card_json" : v.oneOf("template", "", "CARD_JSON"));
        body.put("data", Json.write(grammar.card(world.targetIds)));
        break;
      case ID_CONVERT:
        method = "POST";
        path = CARDS + "/id_convert";
        body.put("message_id", im.messageId());
        break;
      case SETTINGS:
        method = "PATCH";
        path = CARDS + "/" + encode(cardId) + "/settings";
        body.put("settings", Json.write(grammar.settings()));
        break;
      case REPLACE:
        {
          method = "PUT";
          path = CARDS + "/" + encode(cardId);
          ObjectNode card =
              body.putObject("card").put("type", v.chance(0.95) ? "card_json" : "template");
          card.put("data", Json.write(grammar.card(world.targetIds)));
          break;
        }
      case BATCH:
        method = "POST";
        path = CARDS + "/" + encode(cardId) + "/batch_update";
        body.put("actions", Json.write(grammar.actions(world.targetIds)));
        break;
      case ADD_ELEMENTS:
        method = "POST";
        path = CARDS + "/" + encode(cardId) + "/elements";
        body.put("type", v.oneOf("insert_before", "insert_after", "append", "append", "prepend"));
        if (v.chance(0.7)) {
          body.set("target_element_id", grammar.targetId(world.targetIds));
        }
        body.put("elements", Json.write(grammar.elements(world.targetIds)));
        break;
      case UPDATE_ELEMENT:
        method = "PUT";
        path = CARDS + "/" + encode(cardId) + "/elements/" + encode(elementId);
        body.put("element", Json.write(grammar.component(v.below(4), world.targetIds)));
        break;
      case PATCH_ELEMENT:
        method = "PATCH";
        path = CARDS + "/" + encode(cardId) + "/elements/" + encode(elementId);
        body.put("partial_element", Json.write(grammar.partialElement(world.targetIds)));
        break;
      case CONTENT:
        method = "PUT";
        path = CARDS + "/" + encode(cardId) + "/elements/" + encode(elementId) + "/content";
        body.put("content", v.chance(0.5) ? "Hello" + v.string() : v.string());
        break;
      case DELETE_ELEMENT:
        method = "DELETE";
        path = CARDS + "/" + encode(cardId) + "/elements/" + encode(elementId);
        break;
      case IM_SEND:
        method = "POST";
        path =
            MESSAGES
                + "?receive_id_type="
                + encode(
                    v.oneOf(
                        "chat_id", "chat_id", "chat_id", "open_id", "user_id", "", "thread_id"));
        body.put("receive_id", v.oneOf(world.chatId, world.chatId, world.alice, "oc_unknown", ""));
        im.message(body);
        break;
      case IM_REPLY:
        method = "POST";
        path = MESSAGES + "/" + encode(im.messageId()) + "/reply";
        im.message(body);
        if (v.chance(0.3)) {
          body.set(
              "reply_in_thread", v.chance(0.5) ? NODES.booleanNode(v.chance(0.5)) : v.anyJson(1));
        }
        break;
      case IM_LIST:
        return new FuzzCase(
            endpoint,
            null,
            false,
            null,
            new Request("GET", MESSAGES + im.listQuery(), null, null, v.chance(0.3)));
      case IM_GET:
        return new FuzzCase(
            endpoint,
            null,
            false,
            null,
            new Request("GET", MESSAGES + "/" + encode(im.messageId()), null, null, v.chance(0.3)));
      case IM_PATCH:
        method = "PATCH";
        path = MESSAGES + "/" + encode(im.messageId());
        body.put("content", im.cardContent());
        break;
      default:
        method = "POST";
        path = "/open-apis/auth/v3/tenant_access_token/internal";
        body.put("app_id", v.oneOf(world.appId, world.appId, "cli_unknown", ""));
        body.put("app_secret", v.oneOf(world.appSecret, "wrong", ""));
    }
    if (endpoint.cardMutation) {
      JsonNode sequence = sequence();
      if (sequence != null) {
        body.set("sequence", sequence);
      }
      JsonNode uuid = uuid();
      if (uuid != null) {
        body.set("uuid", uuid);
      }
    }
    breakFields(body);
    boolean asOther = endpoint.cardMutation && v.chance(0.03);
    return shape(endpoint, cardId, asOther, method, path, body);
  }

  /**
   * Sends the body as built (mostly), or replaces it with something that is not the endpoint's
   * shape.
   */
  private FuzzCase shape(
      Endpoint endpoint,
      String cardId,
      boolean asOther,
      String method,
      String path,
      ObjectNode body) {
    String contentType =
        v.chance(0.9)
            ? "application/json; charset=utf-8"
            : v.oneOf(
                "application/json",
                "text/plain",
                null,
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=xyz",
                "application/json; charset=iso-8859-1",
                "application/octet-stream");
    int r = v.below(100);
    byte[] bytes;
    ObjectNode sent = null;
    if (r < 78) {
      sent = body;
      bytes = utf8Json(body);
    } else if (r < 84) {
      JsonNode any = v.anyJson(3);
      sent = any.isObject() ? (ObjectNode) any : null;
      bytes = utf8Json(any);
    } else if (r < 90) {
      bytes = v.almostJson().getBytes(StandardCharsets.UTF_8);
    } else if (r < 93) {
      bytes = v.chance(0.5) ? null : new byte[0];
    } else if (r < 96) {
      bytes = new byte[1 + v.below(200)];
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = (byte) v.below(256);
      }
    } else if (r < 98) {
      byte[] full = utf8Json(body);
      bytes = java.util.Arrays.copyOf(full, v.below(full.length)); // cut anywhere before the end
    } else {
      sent = oversized(endpoint, body);
      bytes = utf8Json(sent);
    }
    return new FuzzCase(
        endpoint,
        cardId,
        asOther,
        sent,
        new Request(method, path, contentType, bytes, v.chance(0.3)));
  }

  /**
   * One field past its documented limit (or a body past the 12 MB limit), on an otherwise sensible
   * body.
   */
  private ObjectNode oversized(Endpoint endpoint, ObjectNode body) {
    switch (endpoint) {
      case CREATE:
        body.put("data", "{\"schema\":\"2.0\",\"x\":\"" + "x".repeat(3_000_001) + "\"}");
        break;
      case CONTENT:
        body.put("content", "y".repeat(100_001));
        break;
      case BATCH:
        body.put("actions", "[" + " ".repeat(1_000_001) + "]");
        break;
      case SETTINGS:
        body.put(
            "settings", "{\"config\":{\"summary\":{\"content\":\"" + "z".repeat(100_001) + "\"}}}");
        break;
      case IM_SEND:
        body.put("content", "{\"text\":\"" + "t".repeat(160 * 1024) + "\"}");
        break;
      default:
        body.put("padding", "p".repeat(v.chance(0.2) ? 13 * 1024 * 1024 : 50_000));
    }
    return body;
  }

  private void breakFields(ObjectNode body) {
    if (v.chance(0.3)) {
      List<String> keys = new ArrayList<>();
      body.fieldNames().forEachRemaining(keys::add);
      String key = keys.isEmpty() ? "x" : v.oneOf(keys);
      JsonNode old = body.path(key);
      switch (v.below(5)) {
        case 0:
          body.remove(key);
          break;
        case 1:
          body.set(key, v.anyJson(2));
          break;
        case 2:
          body.put(key, v.almostJson());
          break;
        case 3:
          body.set(
              key,
              old.isTextual() && Json.parseOrNull(old.asText()) != null
                  ? Json.parseOrNull(old.asText())
                  : v.anyJson(1));
          break;
        default:
          body.put(key, Json.write(old)); // encoded once more
      }
    }
    if (v.chance(0.05)) {
      body.set(v.oneOf("extra", "Sequence", "card_id", "uuid "), v.anyJson(2));
    }
  }

  private JsonNode sequence() {
    long next = world.hwm + 1L;
    int r = v.below(100);
    if (r < 45) return NODES.numberNode(next);
    if (r < 53) return NODES.numberNode(next + v.below(1000));
    if (r < 61) return NODES.numberNode(world.hwm);
    if (r < 65) return NODES.numberNode(Math.max(0, world.hwm - 1 - v.below(5)));
    if (r < 69) return NODES.numberNode(0);
    if (r < 72) return NODES.numberNode(-1 - v.below(100));
    if (r < 74) return NODES.numberNode(Integer.MAX_VALUE);
    if (r < 88) return v.number();
    if (r < 92) return NODES.textNode(Long.toString(next));
    if (r < 95) return NODES.numberNode((double) next);
    if (r < 97) return NODES.nullNode();
    return null; // missing
  }

  private JsonNode uuid() {
    int r = v.below(100);
    if (r < 50) return null;
    if (r < 80) {
      String uuid = "u" + Long.toHexString(v.rnd.nextLong()) + "-" + ++uuids;
      world.uuids.add(uuid);
      return NODES.textNode(uuid);
    }
    if (r < 88 && !world.uuids.isEmpty())
      return NODES.textNode(v.oneOf(world.uuids)); // a replay or a conflict
    if (r < 91) return NODES.textNode("");
    if (r < 94) return NODES.textNode("u".repeat(65));
    if (r < 96) return NODES.numberNode(7);
    if (r < 98) return NODES.textNode("幂等".repeat(10));
    return NODES.textNode("a".repeat(64));
  }

  private String cardId() {
    int r = v.below(100);
    if (r < 80) return world.targetCard;
    if (r < 85) return world.foreignCard;
    if (r < 88 && !world.cards.isEmpty()) return v.oneOf(world.cards);
    if (r < 93) return "7" + (100_000_000_000_000_000L + v.rnd.nextLong(800_000_000_000_000_000L));
    return v.oneOf(ODD_IDS);
  }

  private String elementId() {
    int r = v.below(100);
    if (r < 70 && !world.targetIds.isEmpty()) return v.oneOf(world.targetIds);
    if (r < 80) return v.validId();
    return v.chance(0.5) ? v.oneOf(ODD_IDS) : "e".repeat(21);
  }

  /**
   * Percent-encodes every byte outside RFC 3986's unreserved set, so any string becomes a valid
   * path segment.
   */
  static String encode(String value) {
    StringBuilder out = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xFF);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~') {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xFF));
      }
    }
    return out.toString();
  }

  /**
   * UTF-8 JSON whose lone surrogates are escaped as {@code \}{@code uD800}, so they reach the
   * server as such.
   */
  static byte[] utf8Json(JsonNode node) {
    try {
      return Json.MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
