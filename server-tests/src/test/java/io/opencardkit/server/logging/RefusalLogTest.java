package io.opencardkit.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.core.Json;
import io.opencardkit.server.testkit.ServerProcess;
import io.opencardkit.server.testkit.TestSeed;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A refused call leaves one structured log line with what a bot author needs, and never a secret or
 * token.
 */
final class RefusalLogTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path tmp;

  private static HttpResponse<String> call(String method, String url, String token, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .method(method, HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void refusedCall_logsAppCardSequenceCodeAndLogId_withoutSecrets() throws Exception {
    TestSeed seed = new TestSeed();
    try (ServerProcess server =
        ServerProcess.start(tmp.resolve("data"), List.of("--seed", seed.writeTo(tmp).toString()))) {
      String base = server.baseUrl() + "/open-apis";
      JsonNode tokenReply =
          Json.parseOrNull(
              call(
                      "POST",
                      base + "/auth/v3/tenant_access_token/internal",
                      null,
                      "{\"app_id\":\""
                          + seed.appId
                          + "\",\"app_secret\":\""
                          + seed.appSecret
                          + "\"}")
                  .body());
      String token = tokenReply.get("tenant_access_token").asText();
      String card =
          "{\\\"schema\\\":\\\"2.0\\\",\\\"config\\\":{\\\"streaming_mode\\\":true},\\\"body\\\":{\\\"elements\\\":[{\\\"tag\\\":\\\"markdown\\\",\\\"content\\\":\\\"\\\",\\\"element_id\\\":\\\"md\\\"}]}}";
      String cardId =
          Json.parseOrNull(
                  call(
                          "POST",
                          base + "/cardkit/v1/cards",
                          token,
                          "{\"type\":\"card_json\",\"data\":\"" + card + "\"}")
                      .body())
              .at("/data/card_id")
              .asText();

      HttpResponse<String> refused =
          call(
              "PUT",
              base + "/cardkit/v1/cards/" + cardId + "/elements/md/content",
              token,
              "{\"content\":\"x\",\"sequence\":0}");
      String logId = refused.headers().firstValue("X-Tt-Logid").orElseThrow();

      String line = awaitLineContaining(server, "log_id=" + logId);
      assertThat(line)
          .contains("refused")
          .contains("app_id=" + seed.appId)
          .contains("card_id=" + cardId)
          .contains("sequence=0")
          .contains("code=300317");
      assertThat(server.output())
          .doesNotContain(token)
          .doesNotContain(seed.appSecret)
          .doesNotContain(seed.otherAppSecret);
    }
  }

  private static String awaitLineContaining(ServerProcess server, String needle) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (Instant.now().isBefore(deadline)) {
      for (String line : server.output().split("\n")) {
        if (line.contains(needle)) {
          return line;
        }
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("no log line with " + needle + " in:\n" + server.output());
  }
}
