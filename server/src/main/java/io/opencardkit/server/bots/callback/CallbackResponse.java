package io.opencardkit.server.bots.callback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.Json;
import java.util.Iterator;
import java.util.Set;

/**
 * What a bot answered to a card callback: an optional toast and an optional card. Pure parsing of
 * the response body ({@code
 * {"toast":{type,content,i18n},"card":{"type":"raw"|"template","data":…}}}; the legacy callback may
 * also answer with a bare card JSON).
 *
 * @param toast the toast to show, or {@code null}
 * @param card the new card JSON ({@code card.type} raw), or {@code null}
 * @param template the template data asked for ({@code card.type} template: {@code template_id},
 *     version, variables), or {@code null}
 */
record CallbackResponse(Toast toast, ObjectNode card, JsonNode template) {
  private static final Set<String> TOAST_TYPES = Set.of("info", "success", "error", "warning");
  private static final Set<String> CARD_KEYS =
      Set.of("schema", "config", "header", "body", "elements", "i18n_elements", "card_link");

  /** A response body that is not what a callback may answer with (Feishu's client shows 200672). */
  static final class Malformed extends Exception {
    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  static final CallbackResponse NOTHING = new CallbackResponse(null, null, null);

  /**
   * Parses a response body. An empty body, {@code {}} and the SDKs' {@code {"msg":"success"}} mean
   * "nothing to do".
   *
   * @param legacy whether the app uses {@code card.action.trigger_v1}, whose answer may be a bare
   *     card
   * @throws Malformed when the body is not a JSON object or its toast or card is unusable
   */
  static CallbackResponse parse(String body, boolean legacy) throws Malformed {
    if (body == null || body.isBlank()) {
      return NOTHING;
    }
    JsonNode root = Json.parseOrNull(body);
    if (root == null || !root.isObject()) {
      throw new Malformed("the response body is not a JSON object");
    }
    if (legacy && !root.has("toast") && !root.has("card") && looksLikeCard(root)) {
      return new CallbackResponse(null, (ObjectNode) root, null);
    }
    Toast toast =
        root.has("toast") && !root.get("toast").isNull() ? toast(root.get("toast")) : null;
    JsonNode card = root.get("card");
    if (card == null || card.isNull()) {
      return new CallbackResponse(toast, null, null);
    }
    String type = card.path("type").asText("");
    JsonNode data = card.get("data");
    if ("raw".equals(type)) {
      if (data != null && data.isTextual()) {
        data = Json.parseOrNull(data.asText()); // some bots send the card JSON as a string
      }
      if (data == null || !data.isObject()) {
        throw new Malformed("card.data must be the card JSON object");
      }
      return new CallbackResponse(toast, (ObjectNode) data, null);
    }
    if ("template".equals(type)) {
      if (data != null && data.isTextual()) {
        data = Json.parseOrNull(data.asText());
      }
      return new CallbackResponse(toast, null, data == null ? Json.object() : data);
    }
    throw new Malformed("card.type must be raw or template, got '" + type + "'");
  }

  private static Toast toast(JsonNode node) throws Malformed {
    if (!node.isObject()) {
      throw new Malformed("toast must be an object");
    }
    String type = node.path("type").asText("info");
    if (!TOAST_TYPES.contains(type)) {
      throw new Malformed("toast.type must be info, success, error or warning, got '" + type + "'");
    }
    String content = node.path("content").asText("");
    if (content.isEmpty()) {
      content = i18n(node.path("i18n"));
    }
    return new Toast(type, content);
  }

  /** The template asked for, by its id ("" when the answer named none). */
  String templateId() {
    return template == null ? null : template.path("template_id").asText("");
  }

  /** The Chinese text, else the English one, else any. */
  private static String i18n(JsonNode i18n) {
    for (String locale : new String[] {"zh_cn", "en_us"}) {
      if (i18n.path(locale).isTextual()) {
        return i18n.get(locale).asText();
      }
    }
    Iterator<JsonNode> any = i18n.elements();
    return any.hasNext() ? any.next().asText("") : "";
  }

  private static boolean looksLikeCard(JsonNode root) {
    Iterator<String> names = root.fieldNames();
    while (names.hasNext()) {
      if (CARD_KEYS.contains(names.next())) {
        return true;
      }
    }
    return false;
  }
}
