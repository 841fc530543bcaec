package io.opencardkit.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.lark.oapi.Client;
import io.opencardkit.bus.redis.testing.RedisServerProcess;
import io.opencardkit.core.card.ElementTree;
import io.opencardkit.core.engine.CardState;
import io.opencardkit.core.engine.CardStateCodec;
import io.opencardkit.core.store.LoadedCard;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.testkit.MetricsScrape;
import io.opencardkit.server.testkit.PageSocket;
import io.opencardkit.server.testkit.SdkBot;
import io.opencardkit.server.testkit.ServerProcess;
import io.opencardkit.server.testkit.TestPostgres;
import io.opencardkit.server.testkit.TestSeed;
import io.opencardkit.server.web.BotCalls;
import io.opencardkit.store.postgres.PostgresCardStore;
import io.opencardkit.store.postgres.PostgresConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to one node of two (PostgreSQL and a Redis of their own) while a page watches a card it
 * streams and a bot holds its long connection there: nothing acknowledged is lost, the page is told
 * 1001 and resumes on the other node with no gap, the bot's connection is closed too, and the
 * process exits within its --shutdown-timeout.
 */
final class GracefulStopTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

  private final TestSeed seed = new TestSeed();
  private final String schema = TestPostgres.newSchema();
  private final String store = TestPostgres.withSchema(TestPostgres.url(), schema);
  private final RedisServerProcess redis = RedisServerProcess.start();
  private final List<ServerProcess> nodes = new ArrayList<>();
  private final List<AutoCloseable> clients = new ArrayList<>();

  GracefulStopTest() throws Exception {
    Path dir = Files.createTempDirectory("okc-graceful");
    List<String> cluster =
        List.of(
            "--store",
            store,
            "--bus",
            redis.url(),
            "--web-auth",
            "development",
            "--insecure-dev-login");
    List<String> a =
        new ArrayList<>(
            List.of(
                "--seed",
                seed.writeTo(dir).toString(),
                "--shutdown-timeout",
                SHUTDOWN_TIMEOUT.toSeconds() + "s"));
    a.addAll(cluster);
    nodes.add(ServerProcess.start(dir.resolve("a"), a));
    nodes.add(ServerProcess.start(dir.resolve("b"), cluster));
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable client : clients) {
      try {
        client.close();
      } catch (Exception e) {
        // its node is gone: nothing left to close
      }
    }
    nodes.forEach(ServerProcess::close);
    redis.close();
    TestPostgres.dropSchema(TestPostgres.url(), schema);
  }

  private BotCalls bot(int node) {
    Client sdk =
        Client.newBuilder(seed.appId, seed.appSecret)
            .openBaseUrl(nodes.get(node).baseUrl())
            .requestTimeout(10, TimeUnit.SECONDS)
            .build();
    return new BotCalls(
        sdk,
        () -> {
          throw new UnsupportedOperationException(
              "the node runs in another process: read the store");
        });
  }

  private PageSocket viewer(int node, String resumeJson) throws Exception {
    PageSocket socket = PageSocket.open(nodes.get(node).baseUrl(), "user=" + seed.alice, false);
    clients.add(socket);
    socket.await(f -> "hello".equals(f.path("type").asText()), WAIT, "hello");
    socket.resume(resumeJson);
    return socket;
  }

  private SdkBot longConnectionBot(int node) {
    SdkBot bot = SdkBot.longConnection(nodes.get(node).baseUrl(), seed.appId, seed.appSecret);
    clients.add(bot);
    until(
        "the bot's long connection is open on node " + node,
        () -> scrape(node).sum("okc_bots_long_connections") == 1);
    return bot;
  }

  /** Alice writes to the bot in their p2p chat through the web API of {@code node}. */
  private void aliceSays(int node, String text) throws Exception {
    String chat = Directory.p2pChatId(seed.appId, seed.alice);
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    nodes.get(node).baseUrl()
                        + "/web/api/chats/"
                        + chat
                        + "/messages?user="
                        + seed.alice))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"" + text + "\"}"))
            .build();
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  private MetricsScrape scrape(int node) {
    try {
      return MetricsScrape.of(nodes.get(node).baseUrl());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private String storedText(String cardId) {
    try (PostgresCardStore pg = PostgresCardStore.open(PostgresConfig.parse(store))) {
      LoadedCard loaded = pg.loadCard(cardId).orElseThrow();
      CardState state =
          loaded.snapshot() == null
              ? new CardState(cardId)
              : CardStateCodec.read(cardId, loaded.snapshot().stateJson());
      loaded.eventsAfter().forEach(state::apply);
      return ElementTree.content(ElementTree.find(state.card(), "md"));
    }
  }

  @Test
  void
      sigterm_midStream_losesNothingAcknowledged_pageResumesOnTheOtherNode_andTheProcessExitsInTime()
          throws Exception {
    SdkBot botOnA = longConnectionBot(0);
    aliceSays(0, "before the stop");
    until("the bot got the event over its long connection", () -> botOnA.events.size() == 1);
    PageSocket aliceOnA = viewer(0, "{}");
    BotCalls viaA = bot(0);
    String cardId = viaA.createCard(BotCalls.STREAMING_CARD);
    viaA.sendCard("chat_id", seed.chatId, cardId);
    aliceOnA.await(f -> "message".equals(f.path("type").asText()), WAIT, "message");

    // The bot streams through node A as fast as it answers, until A stops answering.
    List<String> attempted = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<String> acknowledged = new java.util.concurrent.CopyOnWriteArrayList<>();
    CompletableFuture<Integer> streamer =
        CompletableFuture.supplyAsync(
            () -> {
              StringBuilder text = new StringBuilder();
              for (int sequence = 1; sequence <= 5_000; sequence++) {
                text.append("w").append(sequence).append(' ');
                attempted.add(text.toString());
                try {
                  if (viaA.content(cardId, text.toString(), sequence) != 0) {
                    return sequence;
                  }
                } catch (Exception e) {
                  return sequence; // the node is gone: this call may or may not have been applied
                }
                acknowledged.add(text.toString());
              }
              return 5_001;
            });
    until("a few updates are acknowledged", () -> acknowledged.size() >= 20);
    long stopAsked = System.nanoTime();
    nodes.get(0).terminate();

    assertThat(nodes.get(0).exitedWithin(SHUTDOWN_TIMEOUT.plusSeconds(10)))
        .as("node A exited")
        .isTrue();
    Duration took = Duration.ofNanos(System.nanoTime() - stopAsked);
    streamer.get(30, TimeUnit.SECONDS);
    String output = nodes.get(0).output();
    assertThat(took).isLessThan(SHUTDOWN_TIMEOUT.plusSeconds(5));
    assertThat(output)
        .contains("stopping: draining")
        .contains("stopping: closing 1 long connections of bots with 1001")
        .doesNotContain("halting");
    aliceOnA.awaitClosed(WAIT);
    assertThat(aliceOnA.closeStatus())
        .as("the page was told the node is going away")
        .isEqualTo(1001);

    String last = acknowledged.get(acknowledged.size() - 1);
    String stored = storedText(cardId);
    assertThat(stored)
        .startsWith(last)
        .isIn(attempted); // every acknowledged update is stored, nothing torn

    // The page reconnects to node B with what it holds and resumes without a gap; the bot carries
    // on through B.
    long held = ViewerModel.of(aliceOnA, cardId).version;
    PageSocket aliceOnB = viewer(1, "{\"" + cardId + "\":" + held + "}");
    BotCalls viaB = bot(1);
    int sequence = attempted.indexOf(stored) + 1;
    StringBuilder text = new StringBuilder(stored);
    for (int i = 0; i < 3; i++) {
      sequence++;
      text.append("after").append(sequence).append(' ');
      viaB.contentOk(cardId, text.toString(), sequence);
    }
    viaB.streamingOff(cardId, ++sequence);
    until(
        "the page shows the final text",
        () -> text.toString().equals(ViewerModel.of(List.of(aliceOnA, aliceOnB), cardId).text));
    assertThat(ViewerModel.of(List.of(aliceOnA, aliceOnB), cardId).anomalies).isEmpty();

    // The bot's SDK reconnects (behind a balancer, to a live node): events reach it through B.
    SdkBot botOnB = longConnectionBot(1);
    aliceSays(1, "after the stop");
    until("the bot got the event through node B", () -> botOnB.events.size() == 1);
    MetricsScrape metricsOfB = scrape(1);
    assertThat(metricsOfB.sum("okc_bus_received_total"))
        .isPositive(); // A's broadcasts reached B over Redis
    assertThat(metricsOfB.sum("okc_bus_published_total", "kind", "broadcast")).isPositive();
  }

  private static void until(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(what + ": still not true after " + WAIT);
      }
      LockSupport.parkNanos(
          TimeUnit.MILLISECONDS.toNanos(20)); // a polling interval, not a guess at timing
    }
  }
}
