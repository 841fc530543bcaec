package io.opencardkit.server.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.core.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A raw HTTP client with a valid tenant token: sends exactly the bytes it is given. */
final class FuzzClient {
  private final HttpClient http1 = client(HttpClient.Version.HTTP_1_1);
  private final HttpClient http2 = client(HttpClient.Version.HTTP_2); // cleartext: upgrades to h2c
  private final String baseUrl;
  private String token;

  private FuzzClient(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  private static HttpClient client(HttpClient.Version version) {
    return HttpClient.newBuilder().version(version).connectTimeout(Duration.ofSeconds(10)).build();
  }

  /** Logs in as an app through the token endpoint. */
  static FuzzClient login(String baseUrl, String appId, String appSecret) {
    FuzzClient client = new FuzzClient(baseUrl);
    String body = Json.write(Json.object().put("app_id", appId).put("app_secret", appSecret));
    Reply reply =
        client.send(Request.json("POST", "/open-apis/auth/v3/tenant_access_token/internal", body));
    JsonNode token = reply.json() == null ? null : reply.json().get("tenant_access_token");
    if (token == null || !token.isTextual()) {
      throw new IllegalStateException("login as " + appId + " failed: " + reply);
    }
    client.token = token.asText();
    return client;
  }

  /** The tenant token this client logged in with. */
  String token() {
    return token;
  }

  /** Sends a request with the bearer token; never throws for an HTTP status. */
  Reply send(Request request) {
    HttpRequest.BodyPublisher body =
        request.body() == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(request.body());
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(baseUrl + request.pathAndQuery()))
            .timeout(Duration.ofSeconds(30))
            .method(request.method(), body);
    if (request.contentType() != null) {
      builder.header("Content-Type", request.contentType());
    }
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<byte[]> response =
          (request.http2() ? http2 : http1)
              .send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
      String text = new String(response.body(), StandardCharsets.UTF_8);
      return new Reply(response.statusCode(), text, Json.parseOrNull(text));
    } catch (IOException e) {
      throw new IllegalStateException("transport failure for " + request.describe() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Sends a request that must succeed and returns its {@code data}. */
  JsonNode ok(Request request) {
    Reply reply = send(request);
    if (reply.code() != 0) {
      throw new IllegalStateException(
          "expected success for " + request.describe() + ", got " + reply);
    }
    return reply.json().path("data");
  }

  /** An HTTP request as the fuzzer built it. {@code pathAndQuery} is already percent-encoded. */
  record Request(
      String method, String pathAndQuery, String contentType, byte[] body, boolean http2) {
    /** A JSON request over HTTP/1.1, as the official SDKs send it. */
    static Request json(String method, String pathAndQuery, String json) {
      return new Request(
          method,
          pathAndQuery,
          "application/json; charset=utf-8",
          json.getBytes(StandardCharsets.UTF_8),
          false);
    }

    static Request get(String pathAndQuery) {
      return new Request("GET", pathAndQuery, null, null, false);
    }

    String bodyText() {
      return body == null ? null : new String(body, StandardCharsets.UTF_8);
    }

    /**
     * The request for a failure message: method, path, content type and body (long bodies
     * shortened).
     */
    String describe() {
      String text = bodyText();
      String shown;
      if (text == null) {
        shown = "(no body)";
      } else if (text.length() <= 1500) {
        shown = text;
      } else {
        shown =
            text.substring(0, 1000)
                + "…["
                + text.length()
                + " chars in all]…"
                + text.substring(text.length() - 300);
      }
      return method
          + " "
          + pathAndQuery
          + (http2 ? " HTTP/2" : " HTTP/1.1")
          + " [Content-Type: "
          + contentType
          + "] "
          + shown;
    }
  }

  /** What came back. {@code json} is null when the body is not JSON. */
  record Reply(int status, String body, JsonNode json) {
    /** The envelope's integer code, or {@link Integer#MIN_VALUE} when there is none. */
    int code() {
      JsonNode code = json == null ? null : json.get("code");
      return code != null && code.isIntegralNumber() && code.canConvertToInt()
          ? code.intValue()
          : Integer.MIN_VALUE;
    }

    @Override
    public String toString() {
      return "HTTP "
          + status
          + " "
          + (body.length() <= 1000 ? body : body.substring(0, 1000) + "…");
    }
  }
}
