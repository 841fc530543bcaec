package io.opencardkit.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.engine.CardEvent;
import io.opencardkit.core.engine.EventType;
import io.opencardkit.server.cards.CardRuntime.CardHandle;
import io.opencardkit.server.testkit.PageSocket;
import io.opencardkit.server.testkit.TestCluster;
import io.opencardkit.server.web.BotCalls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes in one JVM sharing a store and a bus behave as one OpenCardKit: to bots writing through
 * either node and to viewers connected to either.
 */
final class TwoNodesTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final TestCluster cluster = TestCluster.start(2);
  private final BotCalls viaFirst =
      new BotCalls(cluster.client(0), () -> cluster.node(0).runtime());
  private final BotCalls viaSecond =
      new BotCalls(cluster.client(1), () -> cluster.node(1).runtime());
  private final List<PageSocket> sockets = new ArrayList<>();

  @AfterEach
  void stop() {
    sockets.forEach(PageSocket::close);
    cluster.close();
  }

  private PageSocket viewer(int node, String openId) throws Exception {
    PageSocket socket = PageSocket.open(cluster.baseUrl(node), "user=" + openId, false);
    sockets.add(socket);
    socket.await(f -> "hello".equals(f.path("type").asText()), WAIT, "hello");
    socket.resume("{}");
    return socket;
  }

  private static void awaitVersion(PageSocket socket, String cardId, long version)
      throws InterruptedException {
    socket.await(
        f ->
            (cardId.equals(f.path("card_id").asText()) && f.path("version").asLong() >= version)
                || (cardId.equals(f.path("message").path("card").path("card_id").asText())
                    && f.path("message").path("card").path("version").asLong() >= version),
        WAIT,
        "of card " + cardId + " at version " + version);
  }

  @Test
  void stream_writtenAlternatelyThroughBothNodes_endsWithTheExactTextForViewersOfBoth()
      throws Exception {
    PageSocket aliceOnFirst = viewer(0, cluster.seed.alice);
    PageSocket bobOnSecond = viewer(1, cluster.seed.bob);
    String cardId = viaFirst.createCard(BotCalls.STREAMING_CARD);
    viaSecond.sendCard("chat_id", cluster.seed.chatId, cardId);
    aliceOnFirst.await(f -> "message".equals(f.path("type").asText()), WAIT, "message");
    bobOnSecond.await(f -> "message".equals(f.path("type").asText()), WAIT, "message");

    StringBuilder text = new StringBuilder();
    for (int sequence = 1; sequence <= 40; sequence++) {
      text.append("word").append(sequence).append(' ');
      (sequence % 2 == 0 ? viaFirst : viaSecond).contentOk(cardId, text.toString(), sequence);
    }
    viaFirst.streamingOff(cardId, 41);
    long last = viaFirst.version(cardId);

    awaitVersion(aliceOnFirst, cardId, last);
    awaitVersion(bobOnSecond, cardId, last);
    for (PageSocket socket : List.of(aliceOnFirst, bobOnSecond)) {
      ViewerModel page = ViewerModel.of(socket, cardId);
      assertThat(page.anomalies).isEmpty();
      assertThat(page.text).isEqualTo(text.toString());
      assertThat(page.increments)
          .isEqualTo(40); // every increment once: no snapshot stood in for any
    }
    assertThat(viaSecond.text(cardId))
        .isEqualTo(text.toString()); // the second node's cached copy followed too
    assertThat(viaSecond.version(cardId)).isEqualTo(last);
  }

  @Test
  void concurrentCalls_forOneCardOnBothNodes_exactlyOneWinsEachSequence() throws Exception {
    String cardId = viaFirst.createCard(BotCalls.STREAMING_CARD);
    viaFirst.sendCard("chat_id", cluster.seed.chatId, cardId);
    int rounds = 30;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int sequence = 1; sequence <= rounds; sequence++) {
        int s = sequence;
        CountDownLatch start = new CountDownLatch(1);
        Callable<Integer> first =
            () -> {
              start.await();
              return viaFirst.content(cardId, "first " + s, s);
            };
        Callable<Integer> second =
            () -> {
              start.await();
              return viaSecond.content(cardId, "second " + s, s);
            };
        Future<Integer> a = pool.submit(first);
        Future<Integer> b = pool.submit(second);
        start.countDown();
        List<Integer> codes = List.of(a.get(), b.get());
        assertThat(codes)
            .as("round %d", s)
            .containsExactlyInAnyOrder(0, ErrorCode.SEQUENCE_NOT_INCREASING.code());
      }
    } finally {
      pool.shutdownNow();
    }

    List<CardEvent> log = cluster.node(1).store().events(cardId, 0, 1000);
    List<Integer> sequences =
        log.stream()
            .filter(
                e ->
                    e.type() == EventType.CONTENT_REPLACED
                        || e.type() == EventType.CONTENT_APPENDED)
            .map(CardEvent::sequence)
            .collect(Collectors.toList());
    assertThat(sequences)
        .containsExactlyElementsOf(
            java.util.stream.IntStream.rangeClosed(1, rounds).boxed().collect(Collectors.toList()));
    assertThat(viaFirst.text(cardId)).isEqualTo(viaSecond.text(cardId)).endsWith(" " + rounds);
  }

  @Test
  void staleCopy_refusalThatANewerStateWouldAccept_isDecidedAgain() throws Exception {
    String cardId = viaFirst.createCard(BotCalls.STREAMING_CARD);
    viaSecond.contentOk(cardId, "one", 1); // the second node caches the card
    viaFirst.streamingOff(cardId, 2);
    assertThat(viaSecond.content(cardId, "closed", 3)).isEqualTo(ErrorCode.STREAMING_CLOSED.code());
    cluster.bus.disconnect(
        "node1"); // it hears nothing of what follows: its copy says streaming is off

    viaFirst.settings(cardId, "{\"config\":{\"streaming_mode\":true}}", 3);

    assertThat(viaSecond.content(cardId, "open again", 4)).isZero();
    assertThat(viaSecond.text(cardId)).isEqualTo("open again");
  }

  @Test
  void interactionLock_takenOnOneNode_refusesCardKitCallsOnTheOther() throws Exception {
    String cardId = viaFirst.createCard(BotCalls.STREAMING_CARD);
    viaSecond.contentOk(cardId, "cached on the second node", 1);
    CardHandle onFirst = cluster.node(0).runtime().findBlocking(cardId).orElseThrow();

    cluster.node(0).runtime().lockInteraction(onFirst, System.currentTimeMillis() + 60_000).join();

    assertThat(viaSecond.content(cardId, "during the interaction", 2))
        .isEqualTo(ErrorCode.CARD_IN_INTERACTION.code());
    cluster.node(0).runtime().unlockInteraction(onFirst).join();
    assertThat(viaSecond.content(cardId, "after it", 2)).isZero();
  }

  @Test
  void pageHoldingAVersionTheOtherNodeNeverHeardOf_resumesThereWithoutLosingIt() throws Exception {
    PageSocket aliceOnFirst = viewer(0, cluster.seed.alice);
    String cardId = viaFirst.createCard(BotCalls.STREAMING_CARD);
    viaFirst.sendCard("chat_id", cluster.seed.chatId, cardId);
    viaFirst.contentOk(cardId, "one", 1);
    awaitVersion(aliceOnFirst, cardId, viaFirst.version(cardId));
    long known = viaFirst.version(cardId);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (viaSecond.version(cardId) < known) { // the second node heard of it all so far
      assertThat(System.nanoTime() - deadline).isNegative();
      java.util.concurrent.locks.LockSupport.parkNanos(
          java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(10));
    }
    // The first node acknowledges the last update, shows it to its page, and dies before telling
    // the other node.
    cluster.bus.disconnect("node0");
    viaFirst.contentOk(cardId, "one two", 2);
    awaitVersion(aliceOnFirst, cardId, viaFirst.version(cardId));
    long held = ViewerModel.of(aliceOnFirst, cardId).version;
    cluster.stop(0);

    PageSocket aliceOnSecond =
        PageSocket.open(cluster.baseUrl(1), "user=" + cluster.seed.alice, false);
    sockets.add(aliceOnSecond);
    aliceOnSecond.await(f -> "hello".equals(f.path("type").asText()), WAIT, "hello");
    aliceOnSecond.resume("{\"" + cardId + "\":" + held + "}");
    deadline = System.nanoTime() + WAIT.toNanos();
    while (viaSecond.version(cardId) < held) { // it read what the page proved to exist
      assertThat(System.nanoTime() - deadline).as("the second node caught up").isNegative();
      java.util.concurrent.locks.LockSupport.parkNanos(
          java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(10));
    }
    viaSecond.streamingOff(
        cardId, 3); // a later event reaches the page as the next version, on top of what it holds

    awaitVersion(aliceOnSecond, cardId, held + 1);
    ViewerModel page = ViewerModel.of(List.of(aliceOnFirst, aliceOnSecond), cardId);
    assertThat(page.anomalies).isEmpty();
    assertThat(page.text).isEqualTo("one two");
    assertThat(aliceOnSecond.frames())
        .noneMatch(f -> "snapshot".equals(f.path("type").asText())); // nothing older replaced it
  }

  @Test
  void busOutage_writesAreAcknowledgedAndViewersOfTheCutOffNodeCatchUpWhenItReturns()
      throws Exception {
    PageSocket bobOnSecond = viewer(1, cluster.seed.bob);
    String cardId = viaFirst.createCard(BotCalls.STREAMING_CARD);
    viaFirst.sendCard("chat_id", cluster.seed.chatId, cardId);
    viaFirst.contentOk(cardId, "before", 1);
    awaitVersion(bobOnSecond, cardId, viaFirst.version(cardId));
    long held = ViewerModel.of(bobOnSecond, cardId).version;

    cluster.bus.disconnect("node1");
    viaFirst.contentOk(cardId, "before and during", 2);
    viaFirst.contentOk(cardId, "before and during the outage", 3);
    cluster.bus.reconnect("node1");

    bobOnSecond.awaitClosed(WAIT); // asked to reload: the page reconnects and resumes
    PageSocket again = PageSocket.open(cluster.baseUrl(1), "user=" + cluster.seed.bob, false);
    sockets.add(again);
    again.await(f -> "hello".equals(f.path("type").asText()), WAIT, "hello");
    again.resume("{\"" + cardId + "\":" + held + "}");
    JsonNode caughtUp =
        again.await(
            f ->
                cardId.equals(f.path("card_id").asText())
                    && f.path("version").asLong() == viaFirst.version(cardId),
            WAIT,
            "the last version");
    assertThat(caughtUp.path("type").asText()).isIn("card", "snapshot");
    assertThat(viaSecond.text(cardId)).isEqualTo("before and during the outage");
  }
}
