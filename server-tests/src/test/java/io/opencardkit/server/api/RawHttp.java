package io.opencardkit.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Plain HTTP for what the SDK cannot express: no token, a forged token, a body that is not JSON, an
 * unknown path, or the status code and headers themselves. Every reply is checked for the
 * invariants of all OpenCardKit responses.
 */
final class RawHttp {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private final String baseUrl;

  RawHttp(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** A reply: status, the two headers every response carries, and the JSON body. */
  record Reply(int status, String logId, String contentType, JsonNode json) {
    int code() {
      return json.path("code").asInt(-1);
    }
  }

  /** Fetches a tenant token the way the SDKs do. */
  String token(String appId, String appSecret) throws Exception {
    Reply reply =
        post(
            "/open-apis/auth/v3/tenant_access_token/internal",
            null,
            tokenRequest(appId, appSecret));
    assertThat(reply.code()).as("token reply %s", reply.json()).isZero();
    return reply.json().get("tenant_access_token").asText();
  }

  static String tokenRequest(String appId, String appSecret) {
    return CardJson.json("{'app_id':'" + appId + "','app_secret':'" + appSecret + "'}");
  }

  Reply get(String path, String token) throws Exception {
    return send("GET", path, token, null);
  }

  Reply post(String path, String token, String body) throws Exception {
    return send("POST", path, token, body);
  }

  /** Sends a request; a null token sends no Authorization header, a null body sends none. */
  Reply send(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json; charset=utf-8");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response =
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    Reply reply =
        new Reply(
            response.statusCode(),
            response.headers().firstValue("X-Tt-Logid").orElse(null),
            response.headers().firstValue("Content-Type").orElse(null),
            CardJson.parse(response.body()));
    assertInvariants(method + " " + path, reply);
    return reply;
  }

  private static void assertInvariants(String what, Reply reply) {
    assertThat(reply.status())
        .as("%s answered %s: never a 5xx", what, reply.json())
        .isLessThan(500);
    assertThat(reply.logId()).as("%s: X-Tt-Logid header", what).isNotBlank();
    assertThat(reply.contentType())
        .as("%s: content type", what)
        .isEqualTo("application/json; charset=utf-8");
    assertThat(reply.json().path("code").isInt())
        .as("%s: envelope code in %s", what, reply.json())
        .isTrue();
    if (reply.code() != 0) {
      assertThat(reply.json().path("error").path("log_id").asText())
          .as("%s: error.log_id", what)
          .isEqualTo(reply.logId());
    }
  }
}
