package io.opencardkit.core.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.opencardkit.core.ApiException;
import io.opencardkit.core.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Fills a card builder template with a request's variables, giving a plain card JSON. Pure.
 *
 * <p>What a template file holds (docs/compatibility.md, "Card templates"):
 *
 * <ul>
 *   <li>{@code "${name}"} as a whole string value binds the variable to that property, keeping its
 *       JSON type: a boolean for {@code disabled}, an integer for {@code weight}, an image ({@code
 *       img_key} or {@code {"img_key":…}}) for {@code img_key}, a date for {@code initial_date},
 *       any JSON (an object, a list) elsewhere;
 *   <li>{@code ${name}} inside a longer string is replaced by the variable's text;
 *   <li>a loop container, {@code {"tag":"repeat","variable":"list","elements":[…]}} in any list of
 *       components, is replaced by its elements once per item of the object-array variable {@code
 *       list}, each item's fields being the variables of its copy (element ids get the item's index
 *       appended, so they stay unique).
 * </ul>
 *
 * A variable not given renders as the empty string in text, removes a property it is bound to whole
 * (the component's default applies), and repeats a loop no time, as Feishu renders unset variables.
 * A value of the wrong type is refused with 200732, one of the right type but the wrong format (a
 * date, an integer) with 200737.
 */
public final class TemplateRenderer {
  /** The tag of a loop container in a template file. */
  public static final String REPEAT_TAG = "repeat";

  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(" + NAME.pattern() + ")\\}");
  private static final int MAX_ELEMENT_ID = 20;

  /**
   * What {@link #renderString} answers for a string without placeholders (compared by identity).
   */
  private static final JsonNode UNCHANGED = new TextNode("unchanged"); // never put into a card

  private TemplateRenderer() {}

  /**
   * The card a template gives with these variables; the template itself is not changed.
   *
   * @throws ApiException {@link ErrorCode#TEMPLATE_VARIABLE_TYPE} or {@link
   *     ErrorCode#TEMPLATE_VARIABLE_FORMAT} naming the variable, the expected and the actual type
   *     or format
   */
  public static ObjectNode render(ObjectNode template, ObjectNode variables) {
    ObjectNode card = template.deepCopy();
    renderObject(card, new Scope(variables, null));
    return card;
  }

  /**
   * Problems of a template file that no request can fix: loop containers without a variable name or
   * elements. Empty when the template is usable.
   */
  public static List<String> problems(JsonNode template) {
    List<String> problems = new ArrayList<>();
    collectProblems(template, "", problems);
    return problems;
  }

  private static void collectProblems(JsonNode node, String path, List<String> problems) {
    if (node.isObject()) {
      if (REPEAT_TAG.equals(node.path("tag").asText(null))) {
        if (variableName(node.get("variable")) == null) {
          problems.add(
              path + ": a repeat needs \"variable\": the name of an object-array variable");
        }
        if (!node.path("elements").isArray()) {
          problems.add(
              path + ": a repeat needs \"elements\": the components repeated for each item");
        }
      }
      node.fields()
          .forEachRemaining(e -> collectProblems(e.getValue(), path + "." + e.getKey(), problems));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collectProblems(node.get(i), path + "[" + i + "]", problems);
      }
    }
  }

  /**
   * The variables visible in a part of the card: a loop item's fields, then the request's
   * variables.
   */
  private record Scope(ObjectNode values, @Nullable Scope outer) {
    @Nullable JsonNode get(String name) {
      for (Scope s = this; s != null; s = s.outer) {
        JsonNode value = s.values.get(name);
        if (value != null) {
          return value;
        }
      }
      return null;
    }
  }

  @SuppressWarnings("ReferenceEquality") // UNCHANGED is a sentinel: identity is the point
  private static void renderObject(ObjectNode node, Scope scope) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    for (String name : names) {
      JsonNode value = node.get(name);
      if (value.isTextual()) {
        JsonNode rendered = renderString(name, value.asText(), scope);
        if (rendered == null) {
          node.remove(name);
        } else if (rendered != UNCHANGED) {
          node.set(name, rendered);
        }
      } else if (value.isArray()) {
        renderArray((ArrayNode) value, scope);
      } else if (value.isObject()) {
        renderObject((ObjectNode) value, scope);
      }
    }
  }

  /**
   * A string property: bound whole, interpolated, or left as it is ({@link #UNCHANGED}); null to
   * remove it.
   */
  private static @Nullable JsonNode renderString(String property, String text, Scope scope) {
    Matcher whole = PLACEHOLDER.matcher(text);
    if (whole.matches()) {
      return Binding.of(property).bind(whole.group(1), scope.get(whole.group(1)));
    }
    if (!text.contains("${")) {
      return UNCHANGED;
    }
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      JsonNode value = scope.get(m.group(1));
      String replacement;
      if (value == null || value.isNull()) {
        replacement = "";
      } else if (value.isTextual()) {
        replacement = value.asText();
      } else {
        throw typeError(m.group(1), "string", value);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return TextNode.valueOf(out.toString());
  }

  @SuppressWarnings("ReferenceEquality") // UNCHANGED is a sentinel: identity is the point
  private static void renderArray(ArrayNode array, Scope scope) {
    List<JsonNode> out = new ArrayList<>(array.size());
    for (JsonNode item : array) {
      if (item.isObject() && REPEAT_TAG.equals(item.path("tag").asText(null))) {
        out.addAll(repeat((ObjectNode) item, scope));
      } else if (item.isTextual()) {
        JsonNode rendered = renderString("", item.asText(), scope);
        if (rendered == UNCHANGED) {
          out.add(item);
        } else if (rendered != null) {
          out.add(rendered);
        }
      } else {
        if (item.isObject()) {
          renderObject((ObjectNode) item, scope);
        } else if (item.isArray()) {
          renderArray((ArrayNode) item, scope);
        }
        out.add(item);
      }
    }
    array.removeAll();
    array.addAll(out);
  }

  private static List<JsonNode> repeat(ObjectNode loop, Scope scope) {
    String name = variableName(loop.get("variable"));
    JsonNode items = name == null ? null : scope.get(name);
    List<JsonNode> out = new ArrayList<>();
    if (name == null || items == null || items.isNull()) {
      return out;
    }
    if (!items.isArray()) {
      throw typeError(name, "array", items);
    }
    for (int i = 0; i < items.size(); i++) {
      JsonNode item = items.get(i);
      if (!item.isObject()) {
        throw typeError(name + "[" + i + "]", "object", item);
      }
      ArrayNode copies = JsonNodeFactory.instance.arrayNode();
      for (JsonNode element : loop.path("elements")) {
        JsonNode copy = element.deepCopy();
        suffixElementIds(copy, "_" + i);
        copies.add(copy);
      }
      renderArray(copies, new Scope((ObjectNode) item, scope));
      copies.forEach(out::add);
    }
    return out;
  }

  private static void suffixElementIds(JsonNode node, String suffix) {
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      JsonNode id = object.get("element_id");
      if (id != null && id.isTextual()) {
        String base = id.asText();
        base = base.substring(0, Math.min(base.length(), MAX_ELEMENT_ID - suffix.length()));
        object.put("element_id", base + suffix);
      }
    }
    node.forEach(child -> suffixElementIds(child, suffix));
  }

  private static @Nullable String variableName(@Nullable JsonNode variable) {
    if (variable == null || !variable.isTextual()) {
      return null;
    }
    String text = variable.asText();
    Matcher placeholder = PLACEHOLDER.matcher(text);
    if (placeholder.matches()) {
      return placeholder.group(1);
    }
    return NAME.matcher(text).matches() ? text : null;
  }

  static ApiException typeError(String name, String expected, JsonNode actual) {
    return new ApiException(
        ErrorCode.TEMPLATE_VARIABLE_TYPE,
        ErrorCode.TEMPLATE_VARIABLE_TYPE.message()
            + "; ErrorValue: varName: "
            + name
            + ", expectType: "
            + expected
            + ", actualType: "
            + typeName(actual));
  }

  static ApiException formatError(String name, String format, String actual) {
    String shown = actual.length() > 50 ? actual.substring(0, 50) + "…" : actual;
    return new ApiException(
        ErrorCode.TEMPLATE_VARIABLE_FORMAT,
        ErrorCode.TEMPLATE_VARIABLE_FORMAT.message()
            + "; ErrorValue: varName: "
            + name
            + ", specifiedFormat: "
            + format
            + ", actualFormat: "
            + shown);
  }

  private static String typeName(JsonNode value) {
    switch (value.getNodeType()) {
      case STRING:
        return "string";
      case BOOLEAN:
        return "bool";
      case NUMBER:
        return value.isIntegralNumber() ? "int" : "float";
      case ARRAY:
        return "array";
      case OBJECT:
        return "object";
      default:
        return value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** How a variable bound to a whole property is checked and converted, by the property's name. */
  private enum Binding {
    TEXT,
    BOOLEAN,
    INTEGER,
    DATE,
    TIME,
    DATETIME,
    IMAGE,
    ANY;

    private static final Map<String, Binding> BY_PROPERTY =
        Map.ofEntries(
            Map.entry("content", TEXT),
            Map.entry("disabled", BOOLEAN),
            Map.entry("checked", BOOLEAN),
            Map.entry("required", BOOLEAN),
            Map.entry("preview", BOOLEAN),
            Map.entry("transparent", BOOLEAN),
            Map.entry("expanded", BOOLEAN),
            Map.entry("multi_select", BOOLEAN),
            Map.entry("can_preview", BOOLEAN),
            Map.entry("combination_transparent", BOOLEAN),
            Map.entry("weight", INTEGER),
            Map.entry("max_length", INTEGER),
            Map.entry("page_size", INTEGER),
            Map.entry("rows", INTEGER),
            Map.entry("max_rows", INTEGER),
            Map.entry("initial_date", DATE),
            Map.entry("initial_time", TIME),
            Map.entry("initial_datetime", DATETIME),
            Map.entry("img_key", IMAGE));

    private static final Pattern INTEGER_TEXT = Pattern.compile("-?\\d{1,18}");
    private static final Pattern DATE_TEXT = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern TIME_TEXT = Pattern.compile("(20|21|22|23|[0-1]\\d):[0-5]\\d");
    private static final Pattern DATETIME_TEXT =
        Pattern.compile("\\d{4}-\\d{2}-\\d{2} (20|21|22|23|[0-1]\\d):[0-5]\\d");

    static Binding of(String property) {
      return BY_PROPERTY.getOrDefault(property, ANY);
    }

    /** The property's new value, or {@code null} to remove it. */
    @Nullable JsonNode bind(String name, @Nullable JsonNode value) {
      if (value == null || value.isNull()) {
        return this == TEXT ? TextNode.valueOf("") : null;
      }
      switch (this) {
        case TEXT:
          if (!value.isTextual()) {
            throw typeError(name, "string", value);
          }
          return value;
        case BOOLEAN:
          if (!value.isBoolean()) {
            throw typeError(name, "bool", value);
          }
          return value;
        case INTEGER:
          if (value.isIntegralNumber()) {
            return value;
          }
          if (value.isTextual() && INTEGER_TEXT.matcher(value.asText()).matches()) {
            return JsonNodeFactory.instance.numberNode(Long.parseLong(value.asText()));
          }
          if (value.isTextual() || value.isNumber()) {
            throw formatError(name, "integer", value.asText());
          }
          throw typeError(name, "integer", value);
        case DATE:
          return formatted(name, value, DATE_TEXT, "yyyy-MM-dd");
        case TIME:
          return formatted(name, value, TIME_TEXT, "HH:mm");
        case DATETIME:
          return formatted(name, value, DATETIME_TEXT, "yyyy-MM-dd HH:mm");
        case IMAGE:
          if (value.isTextual()) {
            return value;
          }
          if (value.isObject() && value.path("img_key").isTextual()) {
            return value.get("img_key");
          }
          throw typeError(name, "image", value);
        default:
          return value.deepCopy();
      }
    }

    private static JsonNode formatted(String name, JsonNode value, Pattern pattern, String format) {
      if (!value.isTextual()) {
        throw typeError(name, "string", value);
      }
      if (!pattern.matcher(value.asText()).matches()) {
        throw formatError(name, format, value.asText());
      }
      return value;
    }
  }
}
