package io.opencardkit.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.core.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The page's HTTP calls to {@code /web/api}, with status, body and headers as the page sees them.
 */
public final class WebClient {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String baseUrl;

  /** An answer: status, parsed JSON body, and the raw response for headers. */
  public record Reply(int status, JsonNode body, HttpResponse<String> raw) {}

  public WebClient(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  public Reply get(String pathAndQuery) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).GET());
  }

  /** A GET with extra headers (name, value, name, value…), e.g. a session {@code Cookie}. */
  public Reply get(String pathAndQuery, String... headers) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).headers(headers).GET());
  }

  public Reply post(String pathAndQuery, String json) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  /**
   * A POST with extra headers (name, value, name, value…), e.g. an {@code Origin} or a session
   * {@code Cookie}.
   */
  public Reply post(String pathAndQuery, String json, String... headers) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
            .header("Content-Type", "application/json")
            .headers(headers)
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  /**
   * The version of a card as the page loads it with a chat's messages. A page resumes with this
   * version, which is race-free: frames committed meanwhile come from the server's window.
   */
  public long loadedVersion(String chatId, String userQuery, String cardId) throws Exception {
    JsonNode messages = get("/web/api/chats/" + chatId + "/messages?" + userQuery).body();
    for (JsonNode m : messages) {
      if (cardId.equals(m.path("card").path("card_id").asText())) {
        return m.path("card").path("version").asLong();
      }
    }
    throw new AssertionError("no message of " + chatId + " shows card " + cardId + ": " + messages);
  }

  private Reply send(HttpRequest.Builder request) throws Exception {
    HttpResponse<String> response =
        http.send(
            request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(response.statusCode(), Json.parseOrNull(response.body()), response);
  }
}
