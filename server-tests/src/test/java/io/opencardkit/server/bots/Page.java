package io.opencardkit.server.bots;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.core.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * What a user does on the web chat page: write messages, click cards (the web API's HTTP calls).
 */
final class Page {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String baseUrl;
  private final String openId;

  Page(String baseUrl, String openId) {
    this.baseUrl = baseUrl;
    this.openId = openId;
  }

  /** Posts a text message; returns its message id. */
  String say(String chatId, String text) throws Exception {
    JsonNode view =
        post("/web/api/chats/" + chatId + "/messages", Json.write(Json.object().put("text", text)))
            .join();
    return view.get("message_id").asText();
  }

  /**
   * Interacts with a card; completes with the web API's answer once the bot's answer took effect
   * (or failed).
   */
  CompletableFuture<JsonNode> act(String messageId, String actionJson) {
    return post("/web/api/messages/" + messageId + "/actions", actionJson);
  }

  /** The messages of a chat as the page loads them, oldest first. */
  JsonNode messages(String chatId) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(baseUrl + "/web/api/chats/" + chatId + "/messages?user=" + openId))
            .GET()
            .build();
    return Json.parseOrNull(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
  }

  private CompletableFuture<JsonNode> post(String path, String json) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(baseUrl + path + "?user=" + openId))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .thenApply(
            response -> {
              if (response.statusCode() != 200) {
                throw new AssertionError(
                    "POST " + path + " answered " + response.statusCode() + ": " + response.body());
              }
              return Json.parseOrNull(response.body());
            });
  }
}
