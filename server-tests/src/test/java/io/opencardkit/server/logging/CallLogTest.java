package io.opencardkit.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.lark.oapi.Client;
import com.lark.oapi.core.response.BaseResponse;
import com.lark.oapi.service.cardkit.v1.model.ContentCardElementReq;
import com.lark.oapi.service.cardkit.v1.model.ContentCardElementReqBody;
import com.lark.oapi.service.cardkit.v1.model.CreateCardReq;
import com.lark.oapi.service.cardkit.v1.model.CreateCardReqBody;
import com.lark.oapi.service.cardkit.v1.model.CreateCardResp;
import com.lark.oapi.service.cardkit.v1.model.SettingsCardReq;
import com.lark.oapi.service.cardkit.v1.model.SettingsCardReqBody;
import com.lark.oapi.service.im.v1.model.CreateMessageReq;
import com.lark.oapi.service.im.v1.model.CreateMessageReqBody;
import com.lark.oapi.service.im.v1.model.CreateMessageResp;
import com.lark.oapi.service.im.v1.model.GetMessageReq;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.Json;
import io.opencardkit.server.testkit.ServerProcess;
import io.opencardkit.server.testkit.TestSeed;
import io.opencardkit.server.web.BotCalls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official Java SDK's streaming-card scenario against a server process: its log has exactly one
 * line per OpenAPI call, accepted or refused, with the route, the ids, the sequence, the code and
 * the {@code X-Tt-Logid} the SDK saw, and never the app secret or the token. With {@code
 * --log-format json} every line is a JSON object.
 */
final class CallLogTest {
  private static final String CONTENT =
      "/open-apis/cardkit/v1/cards/:card_id/elements/:element_id/content";

  @TempDir Path tmp;

  /** A call the scenario made: what its log line must say. */
  private record Made(
      String method,
      String route,
      String logId,
      int code,
      String cardId,
      String messageId,
      Integer sequence) {}

  @Test
  void sdkScenario_leavesOneTextLinePerCall_withItsCodeAndIds_andNoSecret() throws Exception {
    TestSeed seed = new TestSeed();
    try (ServerProcess server =
        ServerProcess.start(tmp.resolve("data"), List.of("--seed", seed.writeTo(tmp).toString()))) {
      List<Made> made = runScenario(server.baseUrl(), seed);

      for (Made call : made) {
        String line = awaitOnlyLine(server, "log_id=" + call.logId());
        assertThat(line)
            .as("the log line of %s", call)
            .contains(
                (call.code() == 0 ? "call" : "refused")
                    + " method="
                    + call.method()
                    + " route="
                    + call.route()
                    + " app_id="
                    + seed.appId)
            .contains(" code=" + call.code() + " ")
            .contains(" sequence=" + (call.sequence() == null ? "-" : call.sequence()) + " ")
            .containsPattern(" duration_ms=\\d+\\.\\d{3} ");
        if (call.cardId() != null) {
          assertThat(line).contains(" card_id=" + call.cardId() + " ");
        }
        if (call.messageId() != null) {
          assertThat(line).contains(" message_id=" + call.messageId() + " ");
        }
      }
      List<String> callLines =
          linesOf(server).stream().filter(l -> l.contains(" route=/open-apis/")).toList();
      List<String> tokenLines =
          callLines.stream()
              .filter(l -> l.contains("route=/open-apis/auth/v3/tenant_access_token/internal"))
              .toList();
      assertThat(tokenLines)
          .isNotEmpty()
          .allSatisfy(l -> assertThat(l).contains(" code=0 ").contains("app_id=" + seed.appId));
      assertThat(callLines)
          .hasSize(made.size() + tokenLines.size()); // one line per call, and no other
      String token =
          Json.parseOrNull(
                  HttpClient.newHttpClient()
                      .send(
                          HttpRequest.newBuilder(
                                  URI.create(
                                      server.baseUrl()
                                          + "/open-apis/auth/v3/tenant_access_token/internal"))
                              .POST(
                                  HttpRequest.BodyPublishers.ofString(
                                      "{\"app_id\":\""
                                          + seed.appId
                                          + "\",\"app_secret\":\""
                                          + seed.appSecret
                                          + "\"}"))
                              .build(),
                          HttpResponse.BodyHandlers.ofString())
                      .body())
              .get("tenant_access_token")
              .asText();
      awaitOnlyLine(
          server, "route=/open-apis/auth/v3/tenant_access_token/internal", tokenLines.size() + 1);
      assertThat(server.output())
          .doesNotContain(seed.appSecret)
          .doesNotContain(seed.otherAppSecret)
          .doesNotContain(token)
          .doesNotContainPattern(
              "t-[A-Za-z0-9_-]+\\.[0-9a-z]+\\."); // no token at all (t-<app>.<expiry>.<mac>)
    }
  }

  @Test
  void jsonFormat_writesEveryLineAsJson_withTheCallsFieldsAsKeyValues() throws Exception {
    TestSeed seed = new TestSeed();
    try (ServerProcess server =
        ServerProcess.start(
            tmp.resolve("data"),
            List.of("--seed", seed.writeTo(tmp).toString(), "--log-format", "json"))) {
      List<Made> made = runScenario(server.baseUrl(), seed);
      Made refused = made.stream().filter(m -> m.code() != 0).findFirst().orElseThrow();

      String line = awaitOnlyLine(server, refused.logId());
      JsonNode event = Json.parseOrNull(line);
      assertThat(event).as("a JSON line: %s", line).isNotNull();
      assertThat(event.path("loggerName").asText()).isEqualTo("opencardkit.calls");
      Map<String, String> fields = new java.util.HashMap<>();
      JsonNode pairs = event.path("kvpList"); // Logback writes [{"key":"value"},…]
      (pairs.isObject() ? List.of(pairs) : pairs)
          .forEach(
              kv ->
                  kv.fields().forEachRemaining(f -> fields.put(f.getKey(), f.getValue().asText())));
      assertThat(fields)
          .containsEntry("route", CONTENT)
          .containsEntry("code", String.valueOf(refused.code()))
          .containsEntry("card_id", refused.cardId())
          .containsEntry("sequence", String.valueOf(refused.sequence()))
          .containsEntry("log_id", refused.logId())
          .containsEntry("app_id", seed.appId);
      for (String logLine : linesOf(server)) {
        if (logLine.startsWith("{")) {
          assertThat(Json.parseOrNull(logLine)).as("log line %s", logLine).isNotNull();
        }
      }
      assertThat(
              linesOf(server).stream()
                  .filter(l -> l.contains("\"loggerName\":\"opencardkit.calls\"")))
          .hasSizeGreaterThanOrEqualTo(made.size());
    }
  }

  /**
   * The streaming guide with the official SDK: create, send, stream, a refused repeat, streaming
   * off, read back.
   */
  private static List<Made> runScenario(String baseUrl, TestSeed seed) throws Exception {
    Client sdk =
        Client.newBuilder(seed.appId, seed.appSecret)
            .openBaseUrl(baseUrl)
            .requestTimeout(10, TimeUnit.SECONDS)
            .build();
    List<Made> made = new ArrayList<>();
    CreateCardResp created =
        sdk.cardkit()
            .v1()
            .card()
            .create(
                CreateCardReq.newBuilder()
                    .createCardReqBody(
                        CreateCardReqBody.newBuilder()
                            .type("card_json")
                            .data(BotCalls.STREAMING_CARD)
                            .build())
                    .build());
    String cardId = created.getData().getCardId();
    made.add(
        new Made(
            "POST",
            "/open-apis/cardkit/v1/cards",
            logId(created),
            created.getCode(),
            cardId,
            null,
            null));
    String content =
        Json.write(
            Json.object().put("type", "card").set("data", Json.object().put("card_id", cardId)));
    CreateMessageResp sent =
        sdk.im()
            .v1()
            .message()
            .create(
                CreateMessageReq.newBuilder()
                    .receiveIdType("chat_id")
                    .createMessageReqBody(
                        CreateMessageReqBody.newBuilder()
                            .receiveId(seed.chatId)
                            .msgType("interactive")
                            .content(content)
                            .build())
                    .build());
    String messageId = sent.getData().getMessageId();
    made.add(
        new Made(
            "POST",
            "/open-apis/im/v1/messages",
            logId(sent),
            sent.getCode(),
            null,
            messageId,
            null));
    StringBuilder text = new StringBuilder();
    for (int sequence = 1; sequence <= 4; sequence++) {
      text.append("word").append(sequence).append(' ');
      made.add(content(sdk, cardId, text.toString(), sequence));
    }
    Made repeated = content(sdk, cardId, "again", 4);
    assertThat(repeated.code()).isEqualTo(ErrorCode.SEQUENCE_NOT_INCREASING.code());
    made.add(repeated);
    var settings =
        sdk.cardkit()
            .v1()
            .card()
            .settings(
                SettingsCardReq.newBuilder()
                    .cardId(cardId)
                    .settingsCardReqBody(
                        SettingsCardReqBody.newBuilder()
                            .settings("{\"config\":{\"streaming_mode\":false}}")
                            .sequence(5)
                            .build())
                    .build());
    made.add(
        new Made(
            "PATCH",
            "/open-apis/cardkit/v1/cards/:card_id/settings",
            logId(settings),
            settings.getCode(),
            cardId,
            null,
            5));
    var read = sdk.im().v1().message().get(GetMessageReq.newBuilder().messageId(messageId).build());
    made.add(
        new Made(
            "GET",
            "/open-apis/im/v1/messages/:message_id",
            logId(read),
            read.getCode(),
            null,
            messageId,
            null));
    assertThat(made).filteredOn(m -> m.code() == 0).hasSize(made.size() - 1);
    return made;
  }

  private static Made content(Client sdk, String cardId, String text, int sequence)
      throws Exception {
    var response =
        sdk.cardkit()
            .v1()
            .cardElement()
            .content(
                ContentCardElementReq.newBuilder()
                    .cardId(cardId)
                    .elementId("md")
                    .contentCardElementReqBody(
                        ContentCardElementReqBody.newBuilder()
                            .content(text)
                            .sequence(sequence)
                            .build())
                    .build());
    return new Made("PUT", CONTENT, logId(response), response.getCode(), cardId, null, sequence);
  }

  /** The {@code X-Tt-Logid} header of the response, as the SDK received it. */
  private static String logId(BaseResponse<?> response) {
    return response.getRawResponse().getHeaders().entrySet().stream()
        .filter(e -> e.getKey() != null && e.getKey().equalsIgnoreCase("X-Tt-Logid"))
        .map(e -> e.getValue().get(0))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no X-Tt-Logid header"));
  }

  private static List<String> linesOf(ServerProcess server) {
    return Arrays.asList(server.output().split("\n"));
  }

  /**
   * The one line that contains {@code needle}, waiting for it to be written; fails if there are
   * several.
   */
  private static String awaitOnlyLine(ServerProcess server, String needle) {
    return awaitOnlyLine(server, needle, 1);
  }

  /**
   * The last of {@code count} lines that contain {@code needle}, waiting for them; fails if there
   * are more.
   */
  private static String awaitOnlyLine(ServerProcess server, String needle, int count) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (true) {
      List<String> lines = linesOf(server).stream().filter(l -> l.contains(needle)).toList();
      if (lines.size() > count) {
        throw new AssertionError("more than " + count + " lines with " + needle + ": " + lines);
      }
      if (lines.size() == count) {
        return lines.get(count - 1);
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("no log line with " + needle + " in:\n" + server.output());
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }
}
