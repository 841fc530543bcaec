package io.opencardkit.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.core.ApiException;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.Json;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Text that is not valid Unicode is refused, not repaired: a body's bytes must be UTF-8 (Java would
 * put U+FFFD for what is not), and a JSON string must not hold a lone surrogate such as the JSON
 * escape of U+D800 alone parses to (the stores would keep a {@code ?}). Either way the text a
 * client was told was accepted would not be the text it sent.
 */
public final class StrictText {
  private StrictText() {}

  /**
   * Decodes a request body as UTF-8.
   *
   * @throws ApiException 10002 naming the offset of the first byte that is not UTF-8
   */
  public static String utf8Body(Buffer body) {
    byte[] bytes = body.getBytes();
    String text =
        new String(
            bytes, StandardCharsets.UTF_8); // the JDK's fast decoder; it replaces what is not UTF-8
    if (text.indexOf('\uFFFD') < 0) {
      return text; // nothing was replaced, so every byte was UTF-8
    }
    // a replacement character: sent as such, or put there by the decoder? The strict one says.
    return strictUtf8(bytes);
  }

  private static String strictUtf8(byte[] bytes) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out =
        CharBuffer.allocate(in.remaining()); // UTF-8 never decodes to more chars than it has bytes
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      throw ApiException.of(
          ErrorCode.INVALID_PARAMETER,
          "request body is not valid UTF-8 (byte " + in.position() + ")");
    }
    return out.flip().toString();
  }

  /**
   * Refuses a JSON tree holding a string (or a field name) that is not valid Unicode.
   *
   * @param what how the tree is called in the message ({@code null} for a request body: the field
   *     path is enough)
   * @throws ApiException 10002 naming the field
   */
  public static void requireUnicode(JsonNode tree, String what) {
    String path = Json.loneSurrogatePath(tree);
    if (path != null) {
      String field = what == null ? path : path.isEmpty() ? what : what + " → " + path;
      throw ApiException.of(
          ErrorCode.INVALID_PARAMETER,
          (field.isEmpty() ? "the body" : field)
              + " is not valid Unicode: it holds a lone surrogate");
    }
  }
}
