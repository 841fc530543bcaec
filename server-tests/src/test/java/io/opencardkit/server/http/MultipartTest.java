package io.opencardkit.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class MultipartTest {
  private static final byte[] IMAGE = {
    (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, '-', '-', 'x', '\r', '\n'
  };

  @Test
  void parse_fieldAndFileWithName_bothRead() {
    byte[] body =
        body(
            "----b1",
            "image_type",
            null,
            "message".getBytes(StandardCharsets.UTF_8),
            "image",
            "chart.png",
            IMAGE);

    Map<String, Multipart.Part> parts =
        Multipart.parse("multipart/form-data; boundary=----b1", body);

    assertThat(parts.get("image_type").text()).isEqualTo("message");
    assertThat(parts.get("image").fileName()).isEqualTo("chart.png");
    assertThat(parts.get("image").data())
        .as("binary bytes, CRLF and dashes included")
        .isEqualTo(IMAGE);
  }

  @Test
  void parse_fileWithoutFileName_isAPartAllTheSame() {
    // what the Node SDK's form data sends for a Buffer: no filename in the Content-Disposition
    byte[] body =
        body(
            "xyz",
            "image",
            null,
            IMAGE,
            "image_type",
            null,
            "message".getBytes(StandardCharsets.UTF_8));

    Map<String, Multipart.Part> parts =
        Multipart.parse("multipart/form-data; boundary=\"xyz\"", body);

    assertThat(parts.get("image").fileName()).isNull();
    assertThat(parts.get("image").data()).isEqualTo(IMAGE);
  }

  @Test
  void parse_withoutBoundaryOrClosingDelimiter_isRefused() {
    assertThatThrownBy(() -> Multipart.parse("multipart/form-data", new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] cut =
        "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue"
            .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Multipart.parse("multipart/form-data; boundary=b", cut))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** A body of (name, file name or null, bytes) triples. */
  static byte[] body(String boundary, Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < parts.length; i += 3) {
      String disposition =
          "Content-Disposition: form-data; name=\""
              + parts[i]
              + "\""
              + (parts[i + 1] == null ? "" : "; filename=\"" + parts[i + 1] + "\"");
      out.writeBytes(
          ("--"
                  + boundary
                  + "\r\n"
                  + disposition
                  + "\r\nContent-Type: application/octet-stream\r\n\r\n")
              .getBytes(StandardCharsets.UTF_8));
      out.writeBytes((byte[]) parts[i + 2]);
      out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }
    out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }
}
