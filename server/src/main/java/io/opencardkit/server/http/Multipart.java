package io.opencardkit.server.http;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code multipart/form-data} body held in memory into its parts. Files and plain fields
 * are read alike: the SDKs send an upload with or without a file name (the Node SDK's form data
 * does without one for a buffer), so a part is a part whatever its headers say. Pure.
 */
public final class Multipart {
  private static final Pattern BOUNDARY =
      Pattern.compile("(?i)boundary=(?:\"([^\"]{1,200})\"|([^;\\s]{1,200}))");
  private static final Pattern NAME = Pattern.compile("(?i)(?:^|;)\\s*name=\"([^\"]*)\"");
  private static final Pattern FILE_NAME = Pattern.compile("(?i)(?:^|;)\\s*filename=\"([^\"]*)\"");
  private static final byte[] CRLF = {'\r', '\n'};

  private Multipart() {}

  /**
   * One part of the body.
   *
   * @param name the form field's name
   * @param fileName the file name it was sent with, or {@code null}
   * @param contentType its Content-Type, or {@code null}
   * @param data its bytes
   */
  public record Part(String name, String fileName, String contentType, byte[] data) {
    /** The part's bytes as UTF-8 text (a plain field's value). */
    public String text() {
      return new String(data, StandardCharsets.UTF_8);
    }
  }

  /**
   * The parts of a body by field name (the first of several with one name).
   *
   * @throws IllegalArgumentException when the Content-Type names no boundary or the body is not
   *     multipart with it
   */
  public static Map<String, Part> parse(String contentType, byte[] body) {
    Matcher boundary = contentType == null ? null : BOUNDARY.matcher(contentType);
    if (boundary == null || !boundary.find()) {
      throw new IllegalArgumentException("the Content-Type names no multipart boundary");
    }
    String b = boundary.group(1) != null ? boundary.group(1) : boundary.group(2);
    byte[] delimiter = ("--" + b).getBytes(StandardCharsets.ISO_8859_1);
    byte[] nextDelimiter = ("\r\n--" + b).getBytes(StandardCharsets.ISO_8859_1);
    int at = indexOf(body, delimiter, 0);
    if (at < 0) {
      throw new IllegalArgumentException("the body does not contain its multipart boundary");
    }
    Map<String, Part> parts = new HashMap<>();
    at += delimiter.length;
    while (true) {
      if (at + 2 <= body.length && body[at] == '-' && body[at + 1] == '-') {
        return parts; // the closing delimiter
      }
      at = skipLineEnd(body, at);
      int headersEnd = indexOf(body, new byte[] {'\r', '\n', '\r', '\n'}, at);
      if (headersEnd < 0) {
        throw new IllegalArgumentException("a multipart part has no end of headers");
      }
      String headers = new String(body, at, headersEnd - at, StandardCharsets.UTF_8);
      int dataStart = headersEnd + 4;
      int dataEnd = indexOf(body, nextDelimiter, dataStart);
      if (dataEnd < 0) {
        throw new IllegalArgumentException("a multipart part is not closed by the boundary");
      }
      Part part = part(headers, Arrays.copyOfRange(body, dataStart, dataEnd));
      if (part != null) {
        parts.putIfAbsent(part.name(), part);
      }
      at = dataEnd + nextDelimiter.length;
    }
  }

  private static Part part(String headers, byte[] data) {
    String disposition = null;
    String type = null;
    for (String line : headers.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String header = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      if (header.equals("content-disposition")) {
        disposition = value;
      } else if (header.equals("content-type")) {
        type = value;
      }
    }
    if (disposition == null) {
      return null;
    }
    Matcher name = NAME.matcher(disposition);
    if (!name.find()) {
      return null;
    }
    Matcher file = FILE_NAME.matcher(disposition);
    return new Part(name.group(1), file.find() ? file.group(1) : null, type, data);
  }

  private static int skipLineEnd(byte[] body, int at) {
    if (at + 2 <= body.length && body[at] == CRLF[0] && body[at + 1] == CRLF[1]) {
      return at + 2;
    }
    return at < body.length && body[at] == '\n' ? at + 1 : at;
  }

  private static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = Math.max(0, from); i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
