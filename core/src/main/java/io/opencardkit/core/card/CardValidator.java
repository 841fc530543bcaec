package io.opencardkit.core.card;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.ApiException;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.Json;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Checks card JSON 2.0 the way CardKit does before it accepts a card (create, full update) or a
 * component (element insert / replace), and answers with the Feishu error code of the first problem
 * found.
 *
 * <p>What is checked: the {@code schema}, the removed 1.0 top-level keys, the types and enums of
 * the {@code config} keys that change behaviour (shared card, streaming, summary, width), the
 * header template, that every body component has a known JSON 2.0 tag, the nesting rules (form and
 * table at the body root, columns only in a column_set, multi-selects only in a form, at most five
 * container levels), the format and uniqueness of {@code element_id}, the 200 component limit and
 * the 30 KB size limit. Checks run in that order, so a card with several problems is refused for
 * the same one every time.
 *
 * <p>What is deliberately <em>not</em> checked: unknown properties. The Feishu docs say JSON 2.0
 * refuses unsupported properties, but real bots send extra and legacy keys (for example {@code
 * config.wide_screen_mode}) that the real service tolerates, and refusing a card that Feishu
 * accepts is worse for a compatible server than accepting one it might refuse. Unknown keys are
 * therefore tolerated everywhere, at the top level and inside components. Likewise a JSON {@code
 * null} counts as an absent optional field, since many bot serializers write unset fields as null.
 *
 * <p>Opaque payloads that the developer owns ({@code value} callback data, table {@code rows},
 * {@code chart_spec}) are not part of the element tree: an {@code element_id} or {@code tag} key
 * inside them is user data, not an element, so they are neither counted nor checked for ids.
 */
public final class CardValidator {
  /** Components plus tagged elements (text objects, tags, icons…) allowed in one card. */
  public static final int MAX_COMPONENTS = 200;

  /** Compact UTF-8 size limit of a card. */
  public static final int MAX_CARD_BYTES = 30 * 1024;

  /**
   * Containers nest at most five levels deep (column_set + column count as one level: the column).
   */
  static final int MAX_CONTAINER_DEPTH = 5;

  private static final Pattern ELEMENT_ID = Pattern.compile("^[A-Za-z][A-Za-z0-9_]{0,19}$");

  private static final Set<String> CONTAINER_TAGS =
      Set.of("column_set", "column", "form", "interactive_container", "collapsible_panel");
  private static final Set<String> DISPLAY_TAGS =
      Set.of(
          "markdown",
          "div",
          "img",
          "img_combination",
          "hr",
          "person",
          "person_list",
          "chart",
          "table",
          "audio");
  private static final Set<String> INTERACTIVE_TAGS =
      Set.of(
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

  /** Text elements: valid where a text object sits, never as a component of an elements array. */
  private static final Set<String> TEXT_TAGS = Set.of("plain_text", "lark_md");

  /** JSON 1.0 tags that 2.0 removed. */
  private static final Set<String> REMOVED_TAGS = Set.of("note", "action");

  /**
   * JSON 1.0 top-level keys that 2.0 removed (elements moved under body; no global i18n or
   * fallback).
   */
  private static final List<String> REMOVED_TOP_LEVEL_KEYS =
      List.of("elements", "i18n_elements", "fallback");

  private static final Set<String> HEADER_TEMPLATES =
      Set.of(
          "blue",
          "wathet",
          "turquoise",
          "green",
          "yellow",
          "orange",
          "red",
          "carmine",
          "violet",
          "purple",
          "indigo",
          "grey",
          "default");
  private static final Set<String> WIDTH_MODES = Set.of("default", "compact", "fill");
  private static final Set<String> PRINT_STRATEGIES = Set.of("fast", "delay");
  private static final Set<String> PLATFORMS = Set.of("default", "android", "ios", "pc");

  /** Developer-owned payload fields, skipped when counting elements and collecting element ids. */
  static final Set<String> OPAQUE_FIELDS = Set.of("value", "rows", "chart_spec");

  /**
   * Values quoted in messages are cut to this length so that a huge bad value does not become a
   * huge message.
   */
  private static final int MAX_QUOTED = 64;

  /** Refuses trailing garbage after the object, as the real service's JSON decoder does. */
  private static final ObjectReader STRICT_READER =
      Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private CardValidator() {}

  /**
   * Parses the card JSON string given to create or full update.
   *
   * @return the card as an object tree (not yet validated: call {@link #validate})
   * @throws ApiException {@link ErrorCode#EMPTY_DSL} when {@code data} is null or blank; {@link
   *     ErrorCode#CARD_CONTENT_FAILED} when it is not JSON or not a JSON object
   */
  public static ObjectNode parseCard(String data) {
    if (data == null || data.isBlank()) {
      throw new ApiException(ErrorCode.EMPTY_DSL);
    }
    JsonNode root;
    try {
      root = STRICT_READER.readTree(data);
    } catch (JsonProcessingException e) {
      throw ApiException.of(ErrorCode.CARD_CONTENT_FAILED, "card is not valid JSON");
    }
    if (!(root instanceof ObjectNode card)) {
      throw ApiException.of(ErrorCode.CARD_CONTENT_FAILED, "card must be a JSON object");
    }
    String invalid = Json.loneSurrogatePath(card);
    if (invalid != null) {
      // half a surrogate pair (a JSON escape of U+D800..U+DFFF alone): the stores would keep "?"
      // instead
      throw ApiException.of(
          ErrorCode.INVALID_PARAMETER,
          "the card JSON (data) is not valid Unicode at "
              + invalid
              + ": it holds a lone surrogate");
    }
    return card;
  }

  /**
   * Validates a whole card tree: schema, then structure, tags and nesting, then element ids, then
   * the component count, then the size.
   *
   * @throws ApiException on the first problem; the message names the offending path and value, e.g.
   *     {@code body.elements[2].tag: unknown tag 'foo'}
   */
  public static void validate(ObjectNode card) {
    Objects.requireNonNull(card, "card");
    checkSchema(card);
    checkTopLevelKeys(card);
    checkConfig(field(card, "config"));
    checkHeader(field(card, "header"));
    checkBody(field(card, "body"));
    checkElementIds(card);
    checkCount(card);
    checkSize(card);
  }

  /**
   * Validates one component as given to the element APIs (insert, replace), in isolation: it must
   * be an object with a known component tag, obey the nesting rules inside it, and carry valid,
   * unique element ids.
   *
   * <p>Rules that depend on where the component will go (form and table only at the body root,
   * column only in a column_set, multi-selects only in a form, the depth it adds to its target) are
   * left to the caller, which knows the target; in particular a lone {@code column} is accepted,
   * since it may be appended to a column_set.
   *
   * @throws ApiException on the first problem, as {@link #validate}
   */
  public static void validateComponent(JsonNode component) {
    checkComponent(component, "element", Place.DETACHED);
    Map<String, String> seen = new HashMap<>();
    collectElementIds(component, "element", seen);
  }

  /**
   * Counts components and tagged elements of a card: every JSON object with a {@code tag} field
   * under {@code header} and {@code body} (text objects, text tags and icons count, as on Feishu),
   * except inside developer-owned payloads such as callback {@code value}s.
   */
  public static int countComponents(ObjectNode card) {
    Objects.requireNonNull(card, "card");
    return countTagged(card.get("header")) + countTagged(card.get("body"));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Top level, config, header, body

  private static void checkSchema(ObjectNode card) {
    JsonNode schema = card.get("schema");
    if (schema == null || !schema.isTextual() || !schema.textValue().equals("2.0")) {
      String found = schema == null ? "nothing" : quote(schema);
      throw ApiException.of(ErrorCode.SCHEMA_NOT_2, "schema: must be '2.0', found " + found);
    }
  }

  private static void checkTopLevelKeys(ObjectNode card) {
    for (String key : REMOVED_TOP_LEVEL_KEYS) {
      if (card.has(key)) {
        throw contentFailed(
            key, "top-level '" + key + "' is JSON 1.0 and not supported in schema 2.0");
      }
    }
  }

  private static void checkConfig(@Nullable JsonNode config) {
    if (config == null) {
      return;
    }
    requireObject(config, "config");
    JsonNode updateMulti = field(config, "update_multi");
    // JSON 2.0 cards are always shared cards: Feishu refuses update_multi:false with its own code.
    if (updateMulti != null && !(updateMulti.isBoolean() && updateMulti.booleanValue())) {
      throw ApiException.of(
          ErrorCode.UPDATE_MULTI_FALSE,
          "config.update_multi: must be true in schema 2.0, found " + quote(updateMulti));
    }
    JsonNode streamingMode = field(config, "streaming_mode");
    if (streamingMode != null && !streamingMode.isBoolean()) {
      throw contentFailed(
          "config.streaming_mode", "must be a boolean, found " + quote(streamingMode));
    }
    checkStreamingConfig(field(config, "streaming_config"));
    checkSummary(field(config, "summary"));
    checkEnum(field(config, "width_mode"), "config.width_mode", WIDTH_MODES);
  }

  private static void checkStreamingConfig(@Nullable JsonNode streamingConfig) {
    if (streamingConfig == null) {
      return;
    }
    requireObject(streamingConfig, "config.streaming_config");
    String path = "config.streaming_config";
    checkEnum(field(streamingConfig, "print_strategy"), path + ".print_strategy", PRINT_STRATEGIES);
    checkPerPlatform(
        field(streamingConfig, "print_frequency_ms"), path + ".print_frequency_ms", 0, false);
    checkPerPlatform(field(streamingConfig, "print_step"), path + ".print_step", 1, true);
  }

  /**
   * A per-platform number map such as {@code {"default":70,"pc":50}}: known platform keys only,
   * numeric values above (or, when {@code inclusive}, at least) {@code min}. {@code default} is not
   * required: the renderer falls back to the documented defaults.
   */
  private static void checkPerPlatform(
      @Nullable JsonNode node, String path, double min, boolean inclusive) {
    if (node == null) {
      return;
    }
    requireObject(node, path);
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      String entryPath = path + "." + entry.getKey();
      if (!PLATFORMS.contains(entry.getKey())) {
        throw contentFailed(entryPath, "unknown platform, expected one of " + sorted(PLATFORMS));
      }
      JsonNode value = entry.getValue();
      boolean inRange =
          value.isNumber() && (inclusive ? value.doubleValue() >= min : value.doubleValue() > min);
      if (!inRange) {
        String bound = (inclusive ? ">= " : "> ") + (long) min;
        throw contentFailed(entryPath, "must be a number " + bound + ", found " + quote(value));
      }
    }
  }

  private static void checkSummary(@Nullable JsonNode summary) {
    if (summary == null) {
      return;
    }
    requireObject(summary, "config.summary");
    JsonNode content = field(summary, "content");
    if (content != null && !content.isTextual()) {
      throw contentFailed("config.summary.content", "must be a string, found " + quote(content));
    }
  }

  private static void checkHeader(@Nullable JsonNode header) {
    if (header == null) {
      return;
    }
    requireObject(header, "header");
    checkEnum(field(header, "template"), "header.template", HEADER_TEMPLATES);
  }

  private static void checkBody(@Nullable JsonNode body) {
    if (body == null) {
      return;
    }
    checkChildren(requireObject(body, "body"), "elements", "body", Place.BODY_ROOT);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Components and nesting

  /**
   * Where a component sits.
   *
   * @param slot what kind of array holds it
   * @param depth container levels enclosing it
   * @param formAbove whether a form encloses it (at any depth); for a detached component it is
   *     unknown, taken as true so that a multi-select given to the element APIs is not refused for
   *     lack of context
   */
  private record Place(Slot slot, int depth, boolean formAbove) {
    static final Place BODY_ROOT = new Place(Slot.BODY_ROOT, 0, false);
    static final Place DETACHED = new Place(Slot.DETACHED, 0, true);
  }

  private enum Slot {
    /** {@code body.elements}. */
    BODY_ROOT,
    /** The {@code elements} of a container other than column_set. */
    CONTAINER,
    /** {@code column_set.columns}: columns only. */
    COLUMN_SET,
    /** A component given alone to the element APIs: its target is unknown. */
    DETACHED
  }

  private static void checkComponent(JsonNode node, String path, Place place) {
    ObjectNode component = requireObject(node, path);
    String tag = componentTag(component, path);
    checkPlacement(tag, path, place);
    checkProperties(component, tag, path);
    if (CONTAINER_TAGS.contains(tag)) {
      checkContainer(component, tag, path, place);
    }
  }

  /** The component's tag, refused unless it is a known JSON 2.0 component tag. */
  private static String componentTag(ObjectNode component, String path) {
    JsonNode tagNode = field(component, "tag");
    if (tagNode == null) {
      throw contentFailed(path + ".tag", "missing tag");
    }
    if (!tagNode.isTextual()) {
      throw contentFailed(path + ".tag", "must be a string, found " + quote(tagNode));
    }
    String tag = tagNode.textValue();
    if (REMOVED_TAGS.contains(tag)) {
      throw contentFailed(path + ".tag", "tag " + quote(tag) + " was removed in schema 2.0");
    }
    if (TEXT_TAGS.contains(tag)) {
      // A text object belongs in a component's text field (div.text, header.title…), not in an
      // elements array.
      throw contentFailed(
          path + ".tag", "tag " + quote(tag) + " is a text element, not a component");
    }
    if (!CONTAINER_TAGS.contains(tag)
        && !DISPLAY_TAGS.contains(tag)
        && !INTERACTIVE_TAGS.contains(tag)) {
      throw contentFailed(path + ".tag", "unknown tag " + quote(tag));
    }
    return tag;
  }

  /** The §2.3 rules that depend on where the component sits. */
  private static void checkPlacement(String tag, String path, Place place) {
    if (place.slot() == Slot.COLUMN_SET) {
      if (!tag.equals("column")) {
        throw contentFailed(
            path + ".tag", "column_set.columns may hold only 'column', found " + quote(tag));
      }
      return;
    }
    boolean detached = place.slot() == Slot.DETACHED;
    if (tag.equals("column") && !detached) {
      throw contentFailed(path + ".tag", "'column' is allowed only in column_set.columns");
    }
    if ((tag.equals("form") || tag.equals("table")) && place.slot() == Slot.CONTAINER) {
      throw contentFailed(
          path + ".tag", quote(tag) + " is allowed only at the body root, not inside a container");
    }
    if (isMultiSelect(tag) && !place.formAbove()) {
      throw contentFailed(path + ".tag", quote(tag) + " is allowed only inside a form");
    }
  }

  private static boolean isMultiSelect(String tag) {
    return tag.equals("multi_select_static") || tag.equals("multi_select_person");
  }

  /**
   * The few per-component properties that are checked (see the class comment for why there are so
   * few).
   */
  private static void checkProperties(ObjectNode component, String tag, String path) {
    switch (tag) {
      case "form" -> {
        JsonNode name = field(component, "name");
        if (name == null || !name.isTextual() || name.textValue().isEmpty()) {
          throw contentFailed(path + ".name", "a form needs a non-empty name");
        }
      }
      // Empty content is fine: streaming bots create the card before the first token arrives.
      case "markdown" -> checkOptionalString(component, "content", path);
      case "div" -> {
        JsonNode text = field(component, "text");
        if (text != null) {
          requireObject(text, path + ".text");
          checkOptionalString(text, "content", path + ".text");
        }
      }
      default -> {
        // Other components: no property checks (img_key, for one, is accepted whatever its value).
      }
    }
  }

  private static void checkContainer(ObjectNode container, String tag, String path, Place place) {
    if (tag.equals("column_set")) {
      // A column_set is only a row of columns: the columns, not the set, are the nesting level.
      checkChildren(
          container, "columns", path, new Place(Slot.COLUMN_SET, place.depth(), place.formAbove()));
      return;
    }
    int level = place.depth() + 1;
    if (level > MAX_CONTAINER_DEPTH) {
      throw contentFailed(path, "containers nest at most " + MAX_CONTAINER_DEPTH + " levels deep");
    }
    boolean formAbove = place.formAbove() || tag.equals("form");
    checkChildren(container, "elements", path, new Place(Slot.CONTAINER, level, formAbove));
  }

  /** Checks {@code parent.key}, if present, as an array of components sitting at {@code place}. */
  private static void checkChildren(ObjectNode parent, String key, String parentPath, Place place) {
    JsonNode children = field(parent, key);
    String arrayPath = parentPath + "." + key;
    if (children == null) {
      return;
    }
    if (!children.isArray()) {
      throw contentFailed(arrayPath, "must be an array, found " + quote(children));
    }
    for (int i = 0; i < children.size(); i++) {
      checkComponent(children.get(i), arrayPath + "[" + i + "]", place);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Element ids, count, size

  private static void checkElementIds(ObjectNode card) {
    Map<String, String> seen = new HashMap<>();
    collectElementIds(card.get("header"), "header", seen);
    collectElementIds(card.get("body"), "body", seen);
  }

  /**
   * Checks every element_id in the tree and records it with its path in {@code seen}, refusing
   * duplicates.
   */
  private static void collectElementIds(
      @Nullable JsonNode node, String path, Map<String, String> seen) {
    if (node == null) {
      return;
    }
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collectElementIds(node.get(i), path + "[" + i + "]", seen);
      }
      return;
    }
    if (!node.isObject()) {
      return;
    }
    JsonNode id = field(node, "element_id");
    if (id != null) {
      checkElementId(id, path, seen);
    }
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      if (!OPAQUE_FIELDS.contains(entry.getKey())) {
        collectElementIds(entry.getValue(), path + "." + entry.getKey(), seen);
      }
    }
  }

  private static void checkElementId(JsonNode id, String path, Map<String, String> seen) {
    if (!id.isTextual() || !ELEMENT_ID.matcher(id.textValue()).matches()) {
      throw ApiException.of(
          ErrorCode.DUPLICATE_ELEMENT_ID,
          path
              + ".element_id: invalid element_id "
              + quote(id)
              + " (a letter, then letters, digits or '_', at most 20 characters)");
    }
    String previous = seen.putIfAbsent(id.textValue(), path);
    if (previous != null) {
      throw ApiException.of(
          ErrorCode.DUPLICATE_ELEMENT_ID,
          path
              + ".element_id: duplicate element_id "
              + quote(id)
              + ", already used at "
              + previous);
    }
  }

  private static void checkCount(ObjectNode card) {
    int count = countComponents(card);
    if (count > MAX_COMPONENTS) {
      throw ApiException.of(
          ErrorCode.TOO_MANY_COMPONENTS,
          "card has " + count + " components and elements, at most " + MAX_COMPONENTS);
    }
  }

  private static int countTagged(JsonNode node) {
    if (node == null) {
      return 0;
    }
    int count = 0;
    if (node.isArray()) {
      for (JsonNode item : node) {
        count += countTagged(item);
      }
    } else if (node.isObject()) {
      if (node.has("tag")) {
        count++;
      }
      for (Map.Entry<String, JsonNode> entry : node.properties()) {
        if (!OPAQUE_FIELDS.contains(entry.getKey())) {
          count += countTagged(entry.getValue());
        }
      }
    }
    return count;
  }

  private static void checkSize(ObjectNode card) {
    int size = Json.utf8Size(card);
    if (size > MAX_CARD_BYTES) {
      throw ApiException.of(
          ErrorCode.CARD_TOO_LARGE, "card is " + size + " bytes, at most " + MAX_CARD_BYTES);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Helpers

  /** A field of an object, or {@code null} when it is absent or JSON null (both mean "not set"). */
  private static @Nullable JsonNode field(JsonNode object, String name) {
    JsonNode value = object.get(name);
    return value == null || value.isNull() ? null : value;
  }

  private static ObjectNode requireObject(JsonNode node, String path) {
    if (node instanceof ObjectNode object) {
      return object;
    }
    throw contentFailed(
        path, "must be an object, found " + (node == null ? "nothing" : quote(node)));
  }

  private static void checkOptionalString(JsonNode object, String name, String path) {
    JsonNode value = field(object, name);
    if (value != null && !value.isTextual()) {
      throw contentFailed(path + "." + name, "must be a string, found " + quote(value));
    }
  }

  private static void checkEnum(@Nullable JsonNode value, String path, Set<String> allowed) {
    if (value != null && !(value.isTextual() && allowed.contains(value.textValue()))) {
      throw contentFailed(path, "must be one of " + sorted(allowed) + ", found " + quote(value));
    }
  }

  private static ApiException contentFailed(String path, String problem) {
    return ApiException.of(ErrorCode.CARD_CONTENT_FAILED, path + ": " + problem);
  }

  private static String sorted(Set<String> values) {
    return values.stream().sorted().toList().toString();
  }

  /**
   * A value as it appears in a message: strings in single quotes, anything else as compact JSON,
   * cut if long.
   */
  private static String quote(JsonNode value) {
    return value.isTextual() ? quote(value.textValue()) : cut(Json.write(value));
  }

  private static String quote(String value) {
    return "'" + cut(value) + "'";
  }

  private static String cut(String text) {
    return text.length() <= MAX_QUOTED ? text : text.substring(0, MAX_QUOTED) + "…";
  }
}
