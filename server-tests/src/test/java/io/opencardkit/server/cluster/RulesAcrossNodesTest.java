package io.opencardkit.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.Json;
import io.opencardkit.core.engine.CardEvent;
import io.opencardkit.core.engine.EventType;
import io.opencardkit.server.testkit.MutableClock;
import io.opencardkit.server.testkit.TestCluster;
import io.opencardkit.server.web.BotCalls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * CardKit's per-card rules hold for the cluster as a whole, whichever node a call reaches: uuid
 * idempotency, the 10 operations per second outside streaming, "sent once", the streaming window's
 * end, and tokens.
 */
final class RulesAcrossNodesTest {
  private static final String STATIC_CARD =
      BotCalls.STREAMING_CARD.replace("\"streaming_mode\":true", "\"streaming_mode\":false");

  private final MutableClock clock = MutableClock.startingNow();
  private final TestCluster cluster = TestCluster.start(2, clock, Duration.ofMinutes(10));
  private final BotCalls viaFirst =
      new BotCalls(cluster.client(0), () -> cluster.node(0).runtime());
  private final BotCalls viaSecond =
      new BotCalls(cluster.client(1), () -> cluster.node(1).runtime());

  @AfterEach
  void stop() {
    cluster.close();
  }

  private List<CardEvent> log(String cardId) {
    return cluster.node(0).store().events(cardId, 0, 1000);
  }

  private long count(String cardId, EventType type) {
    return log(cardId).stream().filter(e -> e.type() == type).count();
  }

  @Test
  void uuid_retriedThroughTheOtherNode_isAReplayAndAnotherBodyIsAConflict() throws Exception {
    String cardId = viaFirst.createCard(BotCalls.STREAMING_CARD);
    viaSecond.contentOk(cardId, "cached here", 1);

    assertThat(viaFirst.content(cardId, "Hello", 2, "retry-me")).isZero();
    assertThat(viaSecond.content(cardId, "Hello", 2, "retry-me"))
        .isZero(); // the SDK's retry reached the other node
    assertThat(viaSecond.content(cardId, "Hello, world", 3, "retry-me"))
        .isEqualTo(ErrorCode.UUID_CONFLICT.code());

    assertThat(log(cardId).stream().filter(e -> "retry-me".equals(e.uuid())).count()).isEqualTo(1);
  }

  @Test
  void rateLimit_countsTheOperationsAcceptedOnEitherNode() throws Exception {
    String cardId = viaFirst.createCard(STATIC_CARD);
    for (int sequence = 1;
        sequence <= 10;
        sequence++) { // all within one millisecond of the frozen clock
      BotCalls bot = sequence % 2 == 0 ? viaFirst : viaSecond;
      assertThat(
              bot.settingsCode(
                  cardId,
                  "{\"config\":{\"summary\":{\"content\":\"v" + sequence + "\"}}}",
                  sequence))
          .as("operation %d", sequence)
          .isZero();
    }

    assertThat(viaFirst.settingsCode(cardId, "{\"config\":{\"summary\":{\"content\":\"x\"}}}", 11))
        .isEqualTo(ErrorCode.RATE_LIMITED.code());
    assertThat(viaSecond.settingsCode(cardId, "{\"config\":{\"summary\":{\"content\":\"x\"}}}", 11))
        .isEqualTo(ErrorCode.RATE_LIMITED.code());
    clock.advance(Duration.ofSeconds(1));
    assertThat(viaSecond.settingsCode(cardId, "{\"config\":{\"summary\":{\"content\":\"x\"}}}", 11))
        .isZero();
  }

  @Test
  void sentOnce_sendsThroughBothNodesAtOnce_exactlyOneSucceeds() throws Exception {
    for (int round = 0; round < 10; round++) {
      String cardId = viaFirst.createCard(BotCalls.STREAMING_CARD);
      viaSecond.contentOk(cardId, "cached on both", 1);
      CountDownLatch start = new CountDownLatch(1);
      CompletableFuture<Integer> a =
          CompletableFuture.supplyAsync(() -> send(start, viaFirst, cardId));
      CompletableFuture<Integer> b =
          CompletableFuture.supplyAsync(() -> send(start, viaSecond, cardId));
      start.countDown();

      assertThat(List.of(a.get(30, TimeUnit.SECONDS), b.get(30, TimeUnit.SECONDS)))
          .as("round %d", round)
          .containsExactlyInAnyOrder(0, ErrorCode.IM_CARD_CONTENT_FAILED.code());
      assertThat(count(cardId, EventType.SENT)).isEqualTo(1);
    }
  }

  @Test
  void streamingWindow_endsOnceForTheClusterAndTheBotHears200850Once() throws Exception {
    String cardId = viaFirst.createCard(BotCalls.STREAMING_CARD);
    viaSecond.contentOk(cardId, "both nodes hold it", 1);

    clock.advance(Duration.ofMinutes(10)); // both nodes' sweeps see the deadline pass
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (count(cardId, EventType.STREAMING_TIMED_OUT) == 0) {
      assertThat(System.nanoTime() - deadline).as("a sweep recorded the timeout").isNegative();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }

    assertThat(viaFirst.content(cardId, "too late", 2))
        .isEqualTo(ErrorCode.STREAMING_TIMEOUT.code());
    assertThat(viaFirst.content(cardId, "too late", 2))
        .isEqualTo(ErrorCode.STREAMING_CLOSED.code());
    assertThat(count(cardId, EventType.STREAMING_TIMED_OUT))
        .isEqualTo(1); // the other node's sweep was refused
  }

  @Test
  void token_issuedByOneNode_isAcceptedByTheOther() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String body =
        Json.write(
            Json.object()
                .put("app_id", cluster.seed.appId)
                .put("app_secret", cluster.seed.appSecret));
    HttpResponse<String> issued =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        cluster.baseUrl(0) + "/open-apis/auth/v3/tenant_access_token/internal"))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    String token = Json.parseOrNull(issued.body()).path("tenant_access_token").asText();

    HttpResponse<String> info =
        http.send(
            HttpRequest.newBuilder(URI.create(cluster.baseUrl(1) + "/open-apis/bot/v3/info"))
                .header("Authorization", "Bearer " + token)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(token).startsWith("t-");
    assertThat(Json.parseOrNull(info.body()).path("code").asInt(-1)).isZero();
  }

  private int send(CountDownLatch start, BotCalls bot, String cardId) {
    try {
      start.await();
      return bot.sendCardCode(cluster.seed.chatId, cardId);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
