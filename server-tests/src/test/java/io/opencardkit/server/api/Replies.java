package io.opencardkit.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.lark.oapi.core.response.BaseResponse;
import com.lark.oapi.core.response.RawResponse;
import java.util.List;
import java.util.Map;

/**
 * Assertions on what a bot receives through the SDK. Every reply, success or refusal, is also
 * checked for what every OpenCardKit response must have: an {@code X-Tt-Logid} header, a JSON
 * content type and no 5xx status.
 */
final class Replies {
  private Replies() {}

  /** A success: code 0, msg "success", HTTP 200. Returns {@code data}. */
  static <T> T assertOk(BaseResponse<T> resp) {
    return assertOk(resp, "success");
  }

  /** A success with another {@code msg} (Feishu's IM PATCH answers "ok"). */
  static <T> T assertOk(BaseResponse<T> resp, String msg) {
    assertThat(resp.getCode()).as("code of %s", body(resp)).isZero();
    assertThat(resp.getMsg()).isEqualTo(msg);
    assertThat(resp.getRawResponse().getStatusCode()).isEqualTo(200);
    assertCommonHeaders(resp.getRawResponse());
    return resp.getData();
  }

  /**
   * A Feishu refusal with this code, HTTP 400 and {@code error.log_id} equal to the {@code
   * X-Tt-Logid} header.
   */
  static void assertRefused(BaseResponse<?> resp, int code) {
    assertRefused(resp, code, 400);
  }

  static void assertRefused(BaseResponse<?> resp, int code, int httpStatus) {
    assertThat(resp.getCode()).as("code of %s", body(resp)).isEqualTo(code);
    assertThat(resp.getMsg()).isNotBlank();
    assertThat(resp.getRawResponse().getStatusCode()).isEqualTo(httpStatus);
    assertCommonHeaders(resp.getRawResponse());
    assertThat(resp.getError()).isNotNull();
    assertThat(resp.getError().getLogId()).isEqualTo(header(resp.getRawResponse(), "X-Tt-Logid"));
  }

  static void assertCommonHeaders(RawResponse raw) {
    assertThat(raw.getStatusCode()).as("never a 5xx").isLessThan(500);
    assertThat(header(raw, "X-Tt-Logid")).as("X-Tt-Logid header").isNotBlank();
    assertThat(header(raw, "Content-Type")).startsWith("application/json");
  }

  /**
   * A response header by case-insensitive name (the SDK's HTTP client lower-cases them), or null.
   */
  static String header(RawResponse raw, String name) {
    for (Map.Entry<String, List<String>> entry : raw.getHeaders().entrySet()) {
      if (entry.getKey() != null
          && entry.getKey().equalsIgnoreCase(name)
          && !entry.getValue().isEmpty()) {
        return entry.getValue().get(0);
      }
    }
    return null;
  }

  private static String body(BaseResponse<?> resp) {
    return resp.getRawResponse() == null
        ? "?"
        : new String(resp.getRawResponse().getBody(), java.nio.charset.StandardCharsets.UTF_8);
  }
}
