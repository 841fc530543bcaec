package io.opencardkit.server.im;

import io.opencardkit.core.ApiException;
import io.opencardkit.core.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Opaque page tokens for message lists. */
final class PageTokens {
  private PageTokens() {}

  static String encode(int offset) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(("o" + offset).getBytes(StandardCharsets.US_ASCII));
  }

  static int decode(String token) {
    if (token == null || token.isEmpty()) {
      return 0;
    }
    try {
      String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII);
      int offset = Integer.parseInt(text.substring(1));
      if (!text.startsWith("o") || offset < 0) {
        throw new NumberFormatException();
      }
      return offset;
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      throw ApiException.of(ErrorCode.FIELD_VALIDATION, "page_token is invalid");
    }
  }
}
