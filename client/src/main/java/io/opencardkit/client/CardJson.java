package io.opencardkit.client;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON a stream sends (card, settings, batch actions) and the byte measure of the 30 KB card
 * limit.
 */
final class CardJson {
  /** The server's card limit: compact UTF-8 card JSON of at most 30 × 1024 bytes. */
  static final int CARD_LIMIT_BYTES = 30 * 1024;

  /** Allowance for differences between our serialisation of the card and the server's. */
  static final int SLACK_BYTES = 256;

  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  private CardJson() {}

  /** A schema 2.0 card in streaming mode with one markdown element holding {@code text}. */
  static String streamingCard(String title, String elementId, String text) {
    JsonObject config = new JsonObject();
    config.addProperty("streaming_mode", true);
    JsonObject card = new JsonObject();
    card.addProperty("schema", "2.0");
    card.add("config", config);
    if (title != null) {
      JsonObject titleText = new JsonObject();
      titleText.addProperty("tag", "plain_text");
      titleText.addProperty("content", title);
      JsonObject header = new JsonObject();
      header.add("title", titleText);
      card.add("header", header);
    }
    JsonObject markdown = new JsonObject();
    markdown.addProperty("tag", "markdown");
    markdown.addProperty("element_id", elementId);
    markdown.addProperty("content", text);
    JsonArray elements = new JsonArray();
    elements.add(markdown);
    JsonObject body = new JsonObject();
    body.add("elements", elements);
    card.add("body", body);
    return GSON.toJson(card);
  }

  /** The IM message content that shows a card entity. */
  static String entityContent(String cardId) {
    JsonObject data = new JsonObject();
    data.addProperty("card_id", cardId);
    JsonObject content = new JsonObject();
    content.addProperty("type", "card");
    content.add("data", data);
    return GSON.toJson(content);
  }

  /**
   * Settings that switch streaming on or off and, when {@code summary} is not null, set the
   * chat-list preview.
   */
  static String settings(boolean streaming, String summary) {
    return GSON.toJson(settingsObject(streaming, summary));
  }

  /**
   * One batch update: append {@code elements} to the body, then close streaming with {@code
   * summary}.
   */
  static String appendAndClose(List<JsonObject> elements, String summary) {
    JsonArray actions = new JsonArray();
    JsonObject addParams = new JsonObject();
    addParams.addProperty("type", "append");
    JsonArray list = new JsonArray();
    elements.forEach(list::add);
    addParams.add("elements", list);
    actions.add(action("add_elements", addParams));
    JsonObject settingsParams = new JsonObject();
    settingsParams.add("settings", settingsObject(false, summary));
    actions.add(action("partial_update_setting", settingsParams));
    return GSON.toJson(actions);
  }

  /** A markdown element. */
  static JsonObject markdown(String elementId, String content) {
    JsonObject markdown = new JsonObject();
    markdown.addProperty("tag", "markdown");
    markdown.addProperty("element_id", elementId);
    markdown.addProperty("content", content);
    return markdown;
  }

  /**
   * Parses card components given as JSON text.
   *
   * @throws IllegalArgumentException when one is not a JSON object with a {@code tag}, or uses
   *     {@code reservedId}
   */
  static List<JsonObject> components(List<String> elements, String reservedId) {
    List<JsonObject> parsed = new ArrayList<>();
    for (int i = 0; i < elements.size(); i++) {
      JsonObject element = component(elements.get(i), "elements[" + i + "]");
      JsonElement id = element.get("element_id");
      if (id != null && id.isJsonPrimitive() && reservedId.equals(id.getAsString())) {
        throw new IllegalArgumentException(
            "elements[" + i + "] uses the element_id " + reservedId + " of the streamed text");
      }
      parsed.add(element);
    }
    return List.copyOf(parsed);
  }

  /**
   * Parses one card component given as JSON text.
   *
   * @throws IllegalArgumentException when it is not a JSON object with a {@code tag}
   */
  static JsonObject component(String text, String label) {
    JsonElement element;
    try {
      element = text == null ? null : JsonParser.parseString(text);
    } catch (JsonParseException e) {
      throw new IllegalArgumentException(label + " is not JSON: " + e.getMessage(), e);
    }
    if (element == null || !element.isJsonObject() || !element.getAsJsonObject().has("tag")) {
      throw new IllegalArgumentException(label + " must be a JSON object with a tag: " + text);
    }
    return element.getAsJsonObject();
  }

  /** Compact UTF-8 size of a JSON value as we write it. */
  static int bytes(JsonElement json) {
    return GSON.toJson(json).getBytes(StandardCharsets.UTF_8).length;
  }

  /** Compact UTF-8 size of a JSON document given as text. */
  static int bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8).length;
  }

  /**
   * The UTF-8 bytes {@code text} takes inside a JSON string (quotes excluded), with the escapes a
   * standard writer uses: two bytes for quote, backslash and the short control escapes, six for
   * other control characters and for each half of a surrogate pair (an emoji counts 12, the larger
   * of the two ways writers encode it).
   */
  static int textBytes(CharSequence text) {
    int total = 0;
    for (int i = 0; i < text.length(); i++) {
      total += charBytes(text, i);
    }
    return total;
  }

  /** The bytes of the character at {@code i}; each half of a surrogate pair counts 6. */
  static int charBytes(CharSequence text, int i) {
    char c = text.charAt(i);
    if (c == '"' || c == '\\') {
      return 2;
    }
    if (c < 0x20) {
      return c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f' ? 2 : 6;
    }
    if (c < 0x80) {
      return 1;
    }
    if (c < 0x800) {
      return 2;
    }
    if (Character.isSurrogate(c)) {
      // some writers (Jackson's UTF-8 generator, so OpenCardKit) escape each half of a pair as six
      // bytes
      return 6;
    }
    return 3;
  }

  /**
   * A chat-list preview derived from streamed markdown: its first non-blank line without markdown
   * markers, at most {@code maxChars} characters. Empty when the text has no words.
   */
  static String preview(String text, int maxChars) {
    for (String line : text.split("\n")) {
      String plain =
          line.replaceAll("^\\s*(#{1,6}\\s+|>\\s*|[-*+]\\s+|\\d+[.)]\\s+|```\\S*|\\|)", "")
              .replaceAll("[*_`~|]", "")
              .replaceAll("\\s+", " ")
              .trim();
      if (!plain.isEmpty()) {
        if (plain.length() <= maxChars) {
          return plain;
        }
        int cut = maxChars - 1;
        if (Character.isHighSurrogate(plain.charAt(cut - 1))) {
          cut--;
        }
        return plain.substring(0, cut) + "…";
      }
    }
    return "";
  }

  private static JsonObject settingsObject(boolean streaming, String summary) {
    JsonObject config = new JsonObject();
    config.addProperty("streaming_mode", streaming);
    if (summary != null) {
      JsonObject preview = new JsonObject();
      preview.addProperty("content", summary);
      config.add("summary", preview);
    }
    JsonObject settings = new JsonObject();
    settings.add("config", config);
    return settings;
  }

  private static JsonObject action(String name, JsonObject params) {
    JsonObject action = new JsonObject();
    action.addProperty("action", name);
    action.add("params", params);
    return action;
  }
}
