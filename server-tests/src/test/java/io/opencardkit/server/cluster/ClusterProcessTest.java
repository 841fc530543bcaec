package io.opencardkit.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.lark.oapi.Client;
import io.opencardkit.bus.redis.testing.RedisServerProcess;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.card.ElementTree;
import io.opencardkit.core.engine.CardEvent;
import io.opencardkit.core.engine.CardState;
import io.opencardkit.core.engine.CardStateCodec;
import io.opencardkit.core.engine.EventType;
import io.opencardkit.core.store.LoadedCard;
import io.opencardkit.server.testkit.PageSocket;
import io.opencardkit.server.testkit.ServerProcess;
import io.opencardkit.server.testkit.TestPostgres;
import io.opencardkit.server.testkit.TestSeed;
import io.opencardkit.server.web.BotCalls;
import io.opencardkit.store.postgres.PostgresCardStore;
import io.opencardkit.store.postgres.PostgresConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two OpenCardKit processes on loopback sharing the local PostgreSQL (a fresh schema) and a Redis
 * of their own: what the issue asks of a cluster, checked through the official SDK and recording
 * browser stand-ins.
 */
final class ClusterProcessTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final TestSeed seed = new TestSeed();
  private final String schema = TestPostgres.newSchema();
  private final String store = TestPostgres.withSchema(TestPostgres.url(), schema);
  private final RedisServerProcess redis = RedisServerProcess.start();
  private final List<ServerProcess> nodes = new ArrayList<>();
  private final List<PageSocket> sockets = new ArrayList<>();

  ClusterProcessTest() throws Exception {
    Path dir = Files.createTempDirectory("okc-cluster-proc");
    Path seedFile = seed.writeTo(dir);
    nodes.add(
        ServerProcess.start(
            dir.resolve("a"),
            List.of(
                "--seed",
                seedFile.toString(),
                "--store",
                store,
                "--bus",
                redis.url(),
                "--web-auth",
                "development",
                "--insecure-dev-login")));
    nodes.add(
        ServerProcess.start(
            dir.resolve("b"),
            List.of(
                "--store",
                store,
                "--bus",
                redis.url(),
                "--web-auth",
                "development",
                "--insecure-dev-login")));
  }

  @AfterEach
  void stop() {
    sockets.forEach(PageSocket::close);
    nodes.forEach(ServerProcess::close);
    redis.close();
    TestPostgres.dropSchema(TestPostgres.url(), schema);
  }

  private Client sdk(int node) {
    return Client.newBuilder(seed.appId, seed.appSecret)
        .openBaseUrl(nodes.get(node).baseUrl())
        .requestTimeout(10, TimeUnit.SECONDS)
        .build();
  }

  private BotCalls bot(int node) {
    return new BotCalls(
        sdk(node),
        () -> {
          throw new UnsupportedOperationException(
              "the node runs in another process: read the store");
        });
  }

  private PageSocket viewer(int node, String openId, String resumeJson) throws Exception {
    PageSocket socket = PageSocket.open(nodes.get(node).baseUrl(), "user=" + openId, false);
    sockets.add(socket);
    socket.await(f -> "hello".equals(f.path("type").asText()), WAIT, "hello");
    socket.resume(resumeJson);
    return socket;
  }

  private static void awaitMessage(PageSocket socket) throws InterruptedException {
    socket.await(f -> "message".equals(f.path("type").asText()), WAIT, "message");
  }

  private static void awaitVersion(PageSocket socket, String cardId, long version)
      throws InterruptedException {
    socket.await(
        f -> cardId.equals(f.path("card_id").asText()) && f.path("version").asLong() >= version,
        WAIT,
        "of version " + version);
  }

  /** The card as PostgreSQL holds it. */
  private CardState stored(String cardId) {
    try (PostgresCardStore pg = PostgresCardStore.open(PostgresConfig.parse(store))) {
      LoadedCard loaded = pg.loadCard(cardId).orElseThrow();
      CardState state =
          loaded.snapshot() == null
              ? new CardState(cardId)
              : CardStateCodec.read(cardId, loaded.snapshot().stateJson());
      loaded.eventsAfter().forEach(state::apply);
      return state;
    }
  }

  private List<CardEvent> storedEvents(String cardId) {
    try (PostgresCardStore pg = PostgresCardStore.open(PostgresConfig.parse(store))) {
      return pg.events(cardId, 0, 10_000);
    }
  }

  private static String text(CardState state) {
    return ElementTree.content(ElementTree.find(state.card(), "md"));
  }

  @Test
  void
      stream_writtenAlternatelyThroughBothNodes_endsExactAndViewersOnBothSeeEveryIncrementOnceInOrder()
          throws Exception {
    PageSocket aliceOnA = viewer(0, seed.alice, "{}");
    PageSocket bobOnB = viewer(1, seed.bob, "{}");
    String cardId = bot(0).createCard(BotCalls.STREAMING_CARD);
    bot(1).sendCard("chat_id", seed.chatId, cardId);
    awaitMessage(aliceOnA);
    awaitMessage(bobOnB);

    StringBuilder text = new StringBuilder();
    for (int sequence = 1; sequence <= 30; sequence++) {
      text.append("token").append(sequence).append(' ');
      bot(sequence % 2).contentOk(cardId, text.toString(), sequence);
    }
    bot(0).streamingOff(cardId, 31);

    CardState state = stored(cardId);
    assertThat(text(state)).isEqualTo(text.toString());
    for (PageSocket socket : List.of(aliceOnA, bobOnB)) {
      awaitVersion(socket, cardId, state.version());
      ViewerModel page = ViewerModel.of(socket, cardId);
      assertThat(page.anomalies).isEmpty();
      assertThat(page.text).isEqualTo(text.toString());
      assertThat(page.increments).isEqualTo(30);
    }
  }

  @Test
  void concurrentCalls_forOneCardOnBothNodes_exactlyOneWinsEachSequence() throws Exception {
    String cardId = bot(0).createCard(BotCalls.STREAMING_CARD);
    BotCalls a = bot(0);
    BotCalls b = bot(1);
    for (int sequence = 1; sequence <= 20; sequence++) {
      int s = sequence;
      CountDownLatch start = new CountDownLatch(1);
      CompletableFuture<Integer> viaA =
          CompletableFuture.supplyAsync(() -> call(start, () -> a.content(cardId, "a" + s, s)));
      CompletableFuture<Integer> viaB =
          CompletableFuture.supplyAsync(() -> call(start, () -> b.content(cardId, "b" + s, s)));
      start.countDown();
      assertThat(List.of(viaA.get(30, TimeUnit.SECONDS), viaB.get(30, TimeUnit.SECONDS)))
          .as("round %d", s)
          .containsExactlyInAnyOrder(0, ErrorCode.SEQUENCE_NOT_INCREASING.code());
    }

    List<Integer> sequences =
        storedEvents(cardId).stream()
            .filter(
                e ->
                    e.type() == EventType.CONTENT_APPENDED
                        || e.type() == EventType.CONTENT_REPLACED)
            .map(CardEvent::sequence)
            .collect(Collectors.toList());
    assertThat(sequences)
        .containsExactlyElementsOf(
            IntStream.rangeClosed(1, 20).boxed().collect(Collectors.toList()));
  }

  @Test
  void killNine_ofOneNodeMidStream_losesNothingAcknowledgedAndItsViewersResumeOnTheOther()
      throws Exception {
    PageSocket aliceOnA = viewer(0, seed.alice, "{}");
    String cardId = bot(0).createCard(BotCalls.STREAMING_CARD);
    bot(0).sendCard("chat_id", seed.chatId, cardId);
    awaitMessage(aliceOnA);
    BotCalls viaA = bot(0);
    List<String> attempted = new ArrayList<>();
    String acknowledged = "";
    int sequence = 0;
    StringBuilder text = new StringBuilder();
    // Updates as fast as node A answers; it dies after the 25th is acknowledged, with the 26th
    // possibly in flight.
    CompletableFuture<Integer> inFlight;
    while (sequence < 25) {
      sequence++;
      text.append("w").append(sequence).append(' ');
      attempted.add(text.toString());
      viaA.contentOk(cardId, text.toString(), sequence);
      acknowledged = text.toString();
    }
    sequence++;
    text.append("w").append(sequence).append(' ');
    attempted.add(text.toString());
    String last = text.toString();
    int lastSequence = sequence;
    inFlight =
        CompletableFuture.supplyAsync(
            () -> call(new CountDownLatch(0), () -> viaA.content(cardId, last, lastSequence)));
    nodes.get(0).kill9();
    inFlight.handle((code, failure) -> null).get(30, TimeUnit.SECONDS);

    String afterCrash = text(stored(cardId));
    assertThat(afterCrash)
        .startsWith(acknowledged)
        .isIn(attempted); // every acknowledged update survived, nothing torn

    BotCalls viaB = bot(1); // the bot carries on through the surviving node
    for (int i = 0; i < 10; i++) {
      sequence++;
      text.append("after").append(sequence).append(' ');
      viaB.contentOk(cardId, text.toString(), sequence);
    }
    viaB.streamingOff(cardId, ++sequence);
    CardState finalState = stored(cardId);
    assertThat(text(finalState)).isEqualTo(text.toString());

    long held = ViewerModel.of(aliceOnA, cardId).version;
    PageSocket aliceOnB =
        viewer(1, seed.alice, "{\"" + cardId + "\":" + held + "}"); // the page reconnects elsewhere
    awaitVersion(aliceOnB, cardId, finalState.version());
    ViewerModel page = ViewerModel.of(List.of(aliceOnA, aliceOnB), cardId);
    assertThat(page.anomalies).isEmpty();
    assertThat(page.text).isEqualTo(text.toString());
  }

  @Test
  void redisRestart_duringAStream_writesStayAcknowledgedAndViewersCatchUpWhenItReturns()
      throws Exception {
    PageSocket bobOnB = viewer(1, seed.bob, "{}");
    String cardId = bot(0).createCard(BotCalls.STREAMING_CARD);
    bot(0).sendCard("chat_id", seed.chatId, cardId);
    awaitMessage(bobOnB);
    StringBuilder text = new StringBuilder();
    int sequence = 0;
    for (; sequence < 5; ) {
      sequence++;
      text.append("before").append(sequence).append(' ');
      bot(0).contentOk(cardId, text.toString(), sequence);
    }
    awaitVersion(bobOnB, cardId, stored(cardId).version());

    redis.stop();
    for (int i = 0; i < 10; i++) { // through both nodes, while they cannot talk to each other
      sequence++;
      text.append("during").append(sequence).append(' ');
      bot(sequence % 2).contentOk(cardId, text.toString(), sequence);
    }
    redis.restart();

    bobOnB.awaitClosed(WAIT); // node B, reconnected, asks its pages to reload
    long held = ViewerModel.of(bobOnB, cardId).version;
    PageSocket again = viewer(1, seed.bob, "{\"" + cardId + "\":" + held + "}");
    for (int i = 0; i < 3; i++) {
      sequence++;
      text.append("after").append(sequence).append(' ');
      bot(0).contentOk(cardId, text.toString(), sequence);
    }
    CardState state = stored(cardId);
    assertThat(text(state)).isEqualTo(text.toString());
    awaitVersion(again, cardId, state.version());
    ViewerModel page = ViewerModel.of(List.of(bobOnB, again), cardId);
    assertThat(page.anomalies).isEmpty();
    assertThat(page.text).isEqualTo(text.toString());
  }

  /** A call that may throw, started when {@code start} opens; its failure is the future's. */
  private static int call(CountDownLatch start, ThrowingCall body) {
    try {
      start.await();
      return body.run();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @FunctionalInterface
  private interface ThrowingCall {
    int run() throws Exception;
  }

  @SuppressWarnings("unused")
  private static boolean isCard(JsonNode frame, String cardId) {
    return cardId.equals(frame.path("card_id").asText());
  }
}
