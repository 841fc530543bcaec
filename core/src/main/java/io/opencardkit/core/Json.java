package io.opencardkit.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** The one JSON mapper of OpenCardKit and a few helpers on JSON trees. */
public final class Json {
  /** Shared, thread-safe once configured. Bots may send up to 3,000,000 characters of card JSON. */
  public static final ObjectMapper MAPPER = new ObjectMapper();

  static {
    MAPPER
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxStringLength(20_000_000)
                .maxNestingDepth(200)
                .build());
  }

  private Json() {}

  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  /** Parses text as JSON, or returns {@code null} when it is not JSON. */
  public static @Nullable JsonNode parseOrNull(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** Serializes compactly. */
  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  /** UTF-8 size of the compact serialization, the measure of the 30 KB card limit. */
  public static int utf8Size(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node).length;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  /** UTF-8 length of a string without encoding it. */
  public static int utf8Length(CharSequence s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /**
   * UTF-8 length of a string as compact JSON writes it between its quotes: what the string adds to
   * {@link #utf8Size}. Unlike {@link #utf8Length}, it counts the escapes (a quote, a backslash, a
   * newline or another control character) that the serialized card really holds, so the 30 KB card
   * limit can be kept for streamed text without re-serializing.
   */
  public static int jsonStringUtf8Length(CharSequence s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        n += 2;
      } else if (c < 0x20) {
        // Jackson's two-character escapes; every other control character takes six (backslash, u,
        // four hex digits).
        n += c == '\b' || c == '\t' || c == '\n' || c == '\f' || c == '\r' ? 2 : 6;
      } else if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isSurrogate(c)) {
        // Jackson's UTF-8 writer escapes each half of a surrogate pair (an emoji is two) as six
        // characters
        n += 6;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /**
   * Where a JSON tree holds text that is not valid Unicode (a string or a field name with a lone
   * surrogate, which a JSON escape of U+D800 alone parses to): a path like {@code
   * elements[2].content}, {@code ""} for the root itself, or {@code null} when all its text is
   * valid.
   */
  public static @Nullable String loneSurrogatePath(JsonNode node) {
    if (node.isTextual()) {
      return hasLoneSurrogate(node.textValue()) ? "" : null;
    }
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        String inner = loneSurrogatePath(node.get(i));
        if (inner != null) {
          return "[" + i + "]" + (inner.isEmpty() || inner.startsWith("[") ? inner : "." + inner);
        }
      }
    } else if (node.isObject()) {
      for (java.util.Iterator<java.util.Map.Entry<String, JsonNode>> it = node.fields();
          it.hasNext(); ) {
        java.util.Map.Entry<String, JsonNode> field = it.next();
        if (hasLoneSurrogate(field.getKey())) {
          return field.getKey();
        }
        String inner = loneSurrogatePath(field.getValue());
        if (inner != null) {
          return field.getKey() + (inner.isEmpty() || inner.startsWith("[") ? inner : "." + inner);
        }
      }
    }
    return null;
  }

  /**
   * Whether a string holds a high surrogate not followed by a low one, or a low one not preceded by
   * a high one.
   */
  public static boolean hasLoneSurrogate(CharSequence s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return true;
        }
      } else if (Character.isLowSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
