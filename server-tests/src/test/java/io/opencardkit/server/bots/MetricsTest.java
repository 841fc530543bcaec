package io.opencardkit.server.bots;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.testkit.Await;
import io.opencardkit.server.testkit.MetricsScrape;
import io.opencardkit.server.testkit.MutableClock;
import io.opencardkit.server.testkit.PageSocket;
import io.opencardkit.server.testkit.SdkBot;
import io.opencardkit.server.testkit.TestSeed;
import io.opencardkit.server.testkit.TestServer;
import io.opencardkit.server.web.BotCalls;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} after what an operator wants to count: a streamed answer (OpenAPI calls,
 * store commits), a viewer's frames, an event delivered to a bot over its long connection and a
 * refused call. Each counter moves by exactly what happened. (In the bots package for its SDK bot
 * and page helpers.)
 */
final class MetricsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String CONTENT =
      "/open-apis/cardkit/v1/cards/:card_id/elements/:element_id/content";

  private final TestSeed seed = new TestSeed();
  private final TestServer server =
      TestServer.start(seed, MutableClock.startingNow(), Duration.ofMinutes(10));
  private final SdkBot bot = SdkBot.connect(server);

  @AfterEach
  void stop() throws Exception {
    bot.close();
    server.close();
  }

  private MetricsScrape scrape() {
    try {
      return MetricsScrape.of(server.baseUrl());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void streamedAnswer_viewerFrames_botDelivery_andRefusal_eachMoveTheirCounters() throws Exception {
    PageSocket alice = PageSocket.open(server.baseUrl(), "user=" + seed.alice, false);
    alice.await(f -> "hello".equals(f.path("type").asText()), WAIT, "hello");
    alice.resume("{}");
    BotCalls calls = new BotCalls(server);
    calls.createCard(
        BotCalls.STREAMING_CARD); // the SDK's token is fetched before the counted calls
    MetricsScrape before = scrape();

    String cardId = calls.createCard(BotCalls.STREAMING_CARD);
    calls.sendCard("chat_id", seed.chatId, cardId);
    calls.contentOk(cardId, "Hello", 1);
    calls.contentOk(cardId, "Hello, wor", 2);
    calls.contentOk(cardId, "Hello, world", 3);
    int refused = calls.content(cardId, "Hello again", 3);
    calls.streamingOff(cardId, 4);
    long version = calls.version(cardId);
    alice.await(
        f -> cardId.equals(f.path("card_id").asText()) && f.path("version").asLong() >= version,
        WAIT,
        "of the last version");
    PageSocket late =
        PageSocket.open(server.baseUrl(), "user=" + seed.bob, false); // holds nothing of the card
    late.await(f -> "hello".equals(f.path("type").asText()), WAIT, "hello");
    late.resume("{\"" + cardId + "\":0}");
    late.await(
        f -> cardId.equals(f.path("card_id").asText()) && f.path("version").asLong() >= version,
        WAIT,
        "of the last version");
    new Page(server.baseUrl(), seed.alice)
        .say(Directory.p2pChatId(seed.appId, seed.alice), "thanks");
    Await.until("the bot handled the event", () -> bot.events.size() == 1);
    Await.until(
        "the delivery is counted",
        () -> scrape().delta(before, "okc_bot_deliveries_total", "outcome", "delivered") == 1);
    List<PageSocket> pages = List.of(alice, late);
    Await.until(
        "every frame the pages received is counted, and no other",
        () ->
            scrape().sum("okc_viewer_frames_total")
                == pages.stream().mapToLong(PageSocket::textMessages).sum());
    MetricsScrape after = scrape();

    assertThat(refused).isEqualTo(ErrorCode.SEQUENCE_NOT_INCREASING.code());
    // OpenAPI calls by route and code, with their latency histogram.
    assertThat(
            after.delta(
                before,
                "okc_openapi_calls_seconds_count",
                "method",
                "POST",
                "route",
                "/open-apis/cardkit/v1/cards",
                "code",
                "0"))
        .isEqualTo(1);
    assertThat(
            after.delta(
                before,
                "okc_openapi_calls_seconds_count",
                "method",
                "POST",
                "route",
                "/open-apis/im/v1/messages",
                "code",
                "0"))
        .isEqualTo(1);
    assertThat(
            after.delta(
                before,
                "okc_openapi_calls_seconds_count",
                "method",
                "PUT",
                "route",
                CONTENT,
                "code",
                "0"))
        .isEqualTo(3);
    assertThat(
            after.delta(
                before,
                "okc_openapi_calls_seconds_count",
                "method",
                "PUT",
                "route",
                CONTENT,
                "code",
                "300317"))
        .isEqualTo(1);
    assertThat(
            after.delta(
                before,
                "okc_openapi_calls_seconds_count",
                "method",
                "PATCH",
                "route",
                "/open-apis/cardkit/v1/cards/:card_id/settings",
                "code",
                "0"))
        .isEqualTo(1);
    assertThat(after.delta(before, "okc_openapi_calls_seconds_count")).isEqualTo(7);
    assertThat(
            after.delta(
                before,
                "okc_openapi_calls_seconds_bucket",
                "route",
                CONTENT,
                "code",
                "0",
                "le",
                "+Inf"))
        .isEqualTo(3);
    // Refusals by code.
    assertThat(after.delta(before, "okc_openapi_refusals_total", "code", "300317")).isEqualTo(1);
    assertThat(after.delta(before, "okc_openapi_refusals_total")).isEqualTo(1);
    // Store commits: every batch counted once, each commit timed.
    double commits = after.delta(before, "okc_store_commits_total");
    double batches = after.delta(before, "okc_store_batches_total");
    assertThat(commits).isBetween(1.0, batches);
    assertThat(batches)
        .isGreaterThanOrEqualTo(
            7); // create, send, three updates, streaming off, the user's message
    assertThat(after.delta(before, "okc_store_commit_batches_sum")).isEqualTo(batches);
    assertThat(after.delta(before, "okc_store_commit_batches_count")).isEqualTo(commits);
    assertThat(after.delta(before, "okc_store_commit_latency_seconds_count")).isEqualTo(commits);
    // Viewers: two connected; frames and bytes exactly what they received; a snapshot per snapshot
    // frame.
    assertThat(after.sum("okc_viewers_connected")).isEqualTo(2);
    assertThat(after.sum("okc_viewer_bytes_total"))
        .isEqualTo((double) pages.stream().mapToLong(PageSocket::receivedBytes).sum());
    long snapshotFrames =
        pages.stream().flatMap(p -> p.frames().stream()).filter(MetricsTest::isSnapshot).count();
    assertThat(after.sum("okc_viewer_snapshots_total")).isEqualTo((double) snapshotFrames);
    assertThat(after.sum("okc_viewer_slow_closed_total")).isZero();
    // Bots: one long connection, one event delivered, nothing failed or waiting.
    assertThat(after.sum("okc_bots_long_connections")).isEqualTo(1);
    assertThat(after.delta(before, "okc_bot_deliveries_total", "outcome", "retry")).isZero();
    assertThat(after.delta(before, "okc_bot_deliveries_total", "outcome", "dropped")).isZero();
    assertThat(after.sum("okc_bot_pending_retries")).isZero();
    // The event loops' lag is measured, and Vert.x's own HTTP metrics are in the same registry.
    // (each loop's probe first measures 200 ms after the start, which a fast run can finish before)
    Await.until(
        "an event loop's lag is measured",
        () -> scrape().sum("okc_event_loop_lag_seconds_count") > 0);
    // The node's HTTP connections are counted: at least the bot's long connection and the two
    // pages' sockets are open; nothing was refused. Vert.x's per-request HTTP
    // server meters are off (their cost per request is in docs/design-decisions.md).
    assertThat(after.sum("okc_http_connections")).isGreaterThanOrEqualTo(3);
    assertThat(after.names()).contains("okc_http_connections_refused_total");
    assertThat(after.sum("okc_http_connections_refused_total")).isZero();
    assertThat(after.sum("okc_http_deadlines_missed_total")).isZero();
    assertThat(after.names()).noneMatch(name -> name.startsWith("vertx_http_server_"));
    alice.close();
    late.close();
  }

  private static boolean isSnapshot(JsonNode frame) {
    return "snapshot".equals(frame.path("type").asText());
  }
}
