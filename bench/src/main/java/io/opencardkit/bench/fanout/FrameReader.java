package io.opencardkit.bench.fanout;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.core.Json;

/**
 * Reads what a viewer needs from a server → page frame of the web protocol, v1 or v2
 * (docs/web-protocol.md), mostly without building a JSON tree: a viewer sees hundreds of thousands
 * of frames a second and shares the load generator's cores with everything else.
 *
 * <ul>
 *   <li>Objects {@code {"type":…,…}}: hello, message, card (every op in v1; ops other than append
 *       in v2, where {@code message_id}, {@code chat_id}, {@code streaming}, {@code deadline},
 *       {@code summary} may be missing), snapshot, preview, toast; and in v2 {@code
 *       {"type":"stream","k":7,"card_id":…,"element_id":…}}, which says once per connection that
 *       stream 7 is that element of that card.
 *   <li>Arrays (v2) {@code [7,57,"text"]}: append {@code text} to the element of stream 7, making
 *       card version 57; the offset is implied (the element's current length).
 * </ul>
 */
public final class FrameReader {
  /**
   * What a frame is. {@link #APPEND} is the v2 array; a v1 append is a {@link #CARD} with op
   * append.
   */
  public enum Kind {
    HELLO,
    MESSAGE,
    CARD,
    SNAPSHOT,
    STREAM,
    APPEND,
    OTHER
  }

  private static final String TYPE_FIRST = "{\"type\":\"";

  private FrameReader() {}

  public static Kind kind(String frame) {
    if (frame.startsWith("[")) {
      return Kind.APPEND;
    }
    switch (type(frame)) {
      case "card":
        return Kind.CARD;
      case "snapshot":
        return Kind.SNAPSHOT;
      case "message":
        return Kind.MESSAGE;
      case "stream":
        return Kind.STREAM;
      case "hello":
        return Kind.HELLO;
      default:
        return Kind.OTHER;
    }
  }

  /** The object frame's {@code type} ("" when there is none). */
  static String type(String frame) {
    if (frame.startsWith(TYPE_FIRST)) {
      int end = frame.indexOf('"', TYPE_FIRST.length());
      return end < 0 ? "" : frame.substring(TYPE_FIRST.length(), end);
    }
    JsonNode node = Json.parseOrNull(frame);
    return node == null ? "" : node.path("type").asText("");
  }

  /**
   * A field of the object frames, with its search keys made once (viewers look up two or three per
   * frame).
   */
  public static final class Field {
    final String name;
    final String stringKey;
    final String numberKey;

    public Field(String name) {
      this.name = name;
      this.stringKey = "\"" + name + "\":\"";
      this.numberKey = "\"" + name + "\":";
    }
  }

  public static final Field CARD_ID = new Field("card_id");
  public static final Field VERSION = new Field("version");
  public static final Field K = new Field("k");
  public static final Field ELEMENT_ID = new Field("element_id");

  /**
   * A top-level string field of an object frame ({@code card_id}, {@code element_id}), or null. Ids
   * are never escaped.
   */
  public static String string(String frame, Field field) {
    int at = topLevel(frame, field.stringKey);
    if (at == -2) {
      JsonNode value = parsed(frame).path(field.name);
      return value.isTextual() ? value.asText() : null;
    }
    if (at < 0) {
      return null;
    }
    int from = at + field.stringKey.length();
    int to = frame.indexOf('"', from);
    return to < 0 ? null : frame.substring(from, to);
  }

  public static String string(String frame, String field) {
    return string(frame, new Field(field));
  }

  /**
   * A top-level non-negative integer field of an object frame ({@code version}, {@code k}), or -1.
   */
  public static long number(String frame, Field field) {
    int at = topLevel(frame, field.numberKey);
    if (at == -2) {
      JsonNode value = parsed(frame).path(field.name);
      return value.canConvertToLong() ? value.asLong() : -1;
    }
    if (at < 0) {
      return -1;
    }
    return digits(frame, at + field.numberKey.length());
  }

  public static long number(String frame, String field) {
    return number(frame, new Field(field));
  }

  /** The stream number of a v2 append array {@code [k,version,"text"]}, or -1. */
  public static long appendStream(String frame) {
    return digits(frame, skipSpaces(frame, 1));
  }

  /** The card version of a v2 append array, or -1. */
  public static long appendVersion(String frame) {
    int comma = frame.indexOf(',');
    return comma < 0 ? -1 : digits(frame, skipSpaces(frame, comma + 1));
  }

  /** The text of a v2 append array (unescaped), or null when the frame is not one. */
  public static String appendText(String frame) {
    JsonNode node = Json.parseOrNull(frame);
    return node != null && node.isArray() && node.size() >= 3 && node.get(2).isTextual()
        ? node.get(2).asText()
        : null;
  }

  /**
   * Where {@code key} starts when it is surely a key of the top-level object, i.e. it comes before
   * any nested object; -1 when a flat object lacks it; -2 when unsure (a nested object, or a brace
   * inside a string, comes first), so that the caller parses the frame.
   */
  private static int topLevel(String frame, String key) {
    int at = frame.indexOf(key);
    if (at >= 0) {
      return frame.lastIndexOf('{', at) == 0
          ? at
          : -2; // only the frame's own brace before it: a key of the frame
    }
    return frame.indexOf('{', 1) < 0
        ? -1
        : -2; // a flat object without the key, or one whose nested objects may hold it
  }

  private static JsonNode parsed(String frame) {
    JsonNode node = Json.parseOrNull(frame);
    return node == null ? Json.object() : node;
  }

  private static int skipSpaces(String s, int i) {
    while (i < s.length() && s.charAt(i) == ' ') {
      i++;
    }
    return i;
  }

  private static long digits(String s, int from) {
    long value = 0;
    int i = from;
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        break;
      }
      value = value * 10 + (c - '0');
    }
    return i == from ? -1 : value;
  }
}
