package io.opencardkit.server.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Checks that a request's path and query string decode: every {@code %} starts an escape of two hex
 * digits, and the escaped bytes are UTF-8. Netty's decoder (behind Vert.x's {@code queryParams()}
 * and path parameters) throws on the former and silently puts U+FFFD for the latter, so a request
 * is checked once, before any handler reads a parameter.
 */
final class RequestTarget {
  private RequestTarget() {}

  /** What is wrong with the path or query, naming the part; {@code null} when both decode. */
  static String problem(String rawPath, String rawQuery) {
    if (rawPath != null && decode(rawPath, false) == null) {
      return "the path "
          + shown(rawPath)
          + " holds a bad percent-escape or escaped bytes that are not UTF-8";
    }
    if (rawQuery == null || rawQuery.isEmpty()) {
      return null;
    }
    for (String pair : rawQuery.split("[&;]", -1)) {
      int equals = pair.indexOf('=');
      String rawName = equals < 0 ? pair : pair.substring(0, equals);
      String name = decode(rawName, true);
      if (name == null) {
        return "the query parameter name "
            + shown(rawName)
            + " holds a bad percent-escape or escaped bytes that are not UTF-8";
      }
      if (equals >= 0 && decode(pair.substring(equals + 1), true) == null) {
        return "query parameter "
            + shown(name)
            + ": "
            + shown(pair.substring(equals + 1))
            + " holds a bad percent-escape (a % must start two hex digits) or escaped bytes that are not UTF-8";
      }
    }
    return null;
  }

  /**
   * Percent-decodes strictly ({@code +} as a space in a query), or returns {@code null} when it
   * cannot.
   */
  static String decode(String raw, boolean query) {
    if (raw.indexOf('%') < 0) {
      return query ? raw.replace('+', ' ') : raw;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    StringBuilder out = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        int high = i + 1 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
        int low = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
        if (high < 0 || low < 0) {
          return null;
        }
        bytes.write(high * 16 + low);
        i += 2;
        continue;
      }
      if (!flush(bytes, out)) {
        return null;
      }
      out.append(query && c == '+' ? ' ' : c);
    }
    return flush(bytes, out) ? out.toString() : null;
  }

  private static boolean flush(ByteArrayOutputStream bytes, StringBuilder out) {
    if (bytes.size() == 0) {
      return true;
    }
    try {
      out.append(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes.toByteArray())));
    } catch (CharacterCodingException e) {
      return false;
    }
    bytes.reset();
    return true;
  }

  private static String shown(String s) {
    return "\"" + (s.length() <= 100 ? s : s.substring(0, 100) + "…") + "\"";
  }
}
