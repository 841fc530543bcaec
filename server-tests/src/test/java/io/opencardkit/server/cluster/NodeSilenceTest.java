package io.opencardkit.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.Fingerprints;
import io.opencardkit.core.Json;
import io.opencardkit.core.bus.ClusterBus;
import io.opencardkit.core.card.CardValidator;
import io.opencardkit.core.card.ElementTree;
import io.opencardkit.core.engine.CardEngine;
import io.opencardkit.core.engine.CardEvent;
import io.opencardkit.core.engine.CardLimits;
import io.opencardkit.core.engine.Mutation;
import io.opencardkit.core.store.WriteBatch;
import io.opencardkit.server.bots.BotDispatcher;
import io.opencardkit.server.cards.CardIds;
import io.opencardkit.server.cards.CardRuntime;
import io.opencardkit.server.cards.CardRuntime.CardHandle;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.directory.DirectoryHolder;
import io.opencardkit.server.im.MessageService;
import io.opencardkit.server.im.Reactions;
import io.opencardkit.server.testkit.MutableClock;
import io.opencardkit.store.testkit.InMemoryCardStore;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, the mechanism with injected time: node A commits a version and dies before broadcasting
 * it (or the bus drops the broadcast); node B's viewers get that version once B notices (A silent
 * for {@link Peers#SILENCE_MILLIS}, or a gap in A's numbered messages), and not before. B's side is
 * real (its runtime, feed and bus listener); A is a runtime on the same store whose broadcasts the
 * test hands to B, or withholds.
 */
final class NodeSilenceTest {
  private static final String APP = "cli_0000000000000001";
  private final MutableClock clock = MutableClock.startingNow();
  private final AtomicLong nanos = new AtomicLong(1_000);
  private final InMemoryCardStore store = new InMemoryCardStore();
  private final CardRuntime nodeA = runtime(1);
  private final CardRuntime nodeB = runtime(2);
  private final Vertx vertx = Vertx.vertx();
  private final DirectoryHolder directory =
      new DirectoryHolder(new Directory(List.of(), List.of(), List.of()));
  private final BotDispatcher bots =
      BotDispatcher.start(vertx, clock, directory, ClusterBus.local(), store, true);
  private final ClusterReplica replicaB =
      new ClusterReplica(
          nodeB,
          new MessageService(directory, store, nodeB, Runnable::run),
          new Reactions(directory, store, Runnable::run, clock, true),
          directory,
          bots,
          () -> {},
          nanos::get);
  private final List<String> heardByB = new CopyOnWriteArrayList<>();
  private long numbered;

  NodeSilenceTest() {
    nodeB.addListener(events -> events.forEach(e -> heardByB.add(e.cardId() + "@" + e.version())));
  }

  private CardRuntime runtime(int node) {
    return new CardRuntime(
        store,
        new CardEngine(clock, CardLimits.feishu()),
        Runnable::run,
        new CardIds(clock, node),
        true);
  }

  @AfterEach
  void stop() {
    bots.close();
    vertx.close().await();
    nodeA.close();
    nodeB.close();
  }

  private static ObjectNode streamingCard() {
    return CardValidator.parseCard(
        "{\"schema\":\"2.0\",\"config\":{\"streaming_mode\":true},\"body\":{\"elements\":[{\"tag\":\"markdown\",\"content\":\"\",\"element_id\":\"md\"}]}}");
  }

  /**
   * A content update through node A: acknowledged once this returns. Returns the events it stored.
   */
  private List<CardEvent> writeOnA(String cardId, int sequence, String text) {
    long before = store.storedVersions(List.of(cardId)).get(cardId);
    ObjectNode payload = Json.object().put("element_id", "md").put("content", text);
    assertThat(
            nodeA
                .mutate(
                    cardId,
                    new Mutation(
                        Mutation.Kind.CONTENT,
                        APP,
                        sequence,
                        null,
                        Fingerprints.of(text, "" + sequence),
                        payload))
                .join()
                .accepted())
        .isTrue();
    return store.events(cardId, before, 100);
  }

  /** What node A's publisher would broadcast for those events: the next numbered batch message. */
  private void broadcastFromA(List<CardEvent> events) {
    replicaB.received(
        "A", ReplicatedBatch.encode(List.of(WriteBatch.ofEvents(events)), ++numbered));
  }

  private void heartbeatFromA() {
    replicaB.received("A", ReplicatedBatch.heartbeat(numbered));
  }

  private void afterMillis(long millis) {
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    replicaB.checkPeers();
  }

  private String cachedTextOnB(String cardId) {
    CardHandle handle = nodeB.cached(cardId).orElseThrow();
    synchronized (handle) {
      return ElementTree.content(ElementTree.find(handle.state().card(), "md"));
    }
  }

  /** Waits for B's feed to hand on everything handed to it so far (its own thread). */
  private void settleB() throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    nodeB.committedElsewhere(List.of(), () -> done.complete(null));
    done.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aNodeThatDiesBetweenCommitAndBroadcast_isCaughtUpWithOnceItIsSilentLongEnough()
      throws Exception {
    String cardId = nodeA.create(APP, streamingCard()).join();
    broadcastFromA(store.events(cardId, 0, 10));
    broadcastFromA(writeOnA(cardId, 1, "one"));
    settleB();
    assertThat(heardByB).containsExactly(cardId + "@1", cardId + "@2");

    writeOnA(cardId, 2, "one two"); // acknowledged, then node A dies before its broadcast
    afterMillis(Peers.SILENCE_MILLIS - 1);
    settleB();
    assertThat(heardByB).hasSize(2); // not noticed yet: B's viewers still miss version 3
    assertThat(cachedTextOnB(cardId)).isEqualTo("one");

    // noticed: the catch-up it starts runs on B's loader, here the calling thread, then on its feed
    afterMillis(1);
    settleB();
    assertThat(heardByB).containsExactly(cardId + "@1", cardId + "@2", cardId + "@3");
    assertThat(cachedTextOnB(cardId)).isEqualTo("one two");
  }

  @Test
  void aNodeKeptAliveByHeartbeats_isNotCaughtUpWith() throws Exception {
    String cardId = nodeA.create(APP, streamingCard()).join();
    broadcastFromA(store.events(cardId, 0, 10));
    settleB();
    writeOnA(cardId, 1, "one"); // its broadcast is still on the way, say

    for (int i = 0; i < 10; i++) {
      afterMillis(ReplicatingStore.HEARTBEAT_MILLIS);
      heartbeatFromA();
    }
    settleB();
    assertThat(heardByB).containsExactly(cardId + "@1"); // no catch-up: nothing suggested a loss
  }

  @Test
  void aBroadcastLostOnTheBus_isCaughtUpWithWhenTheNextNumberArrives() throws Exception {
    String first = nodeA.create(APP, streamingCard()).join();
    String second = nodeA.create(APP, streamingCard()).join();
    broadcastFromA(store.events(first, 0, 10));
    broadcastFromA(store.events(second, 0, 10));
    settleB();

    writeOnA(first, 1, "lost");
    numbered++; // its message was counted and dropped by the bus
    broadcastFromA(writeOnA(second, 1, "heard"));
    settleB();

    assertThat(heardByB)
        .containsExactlyInAnyOrder(first + "@1", second + "@1", first + "@2", second + "@2");
    assertThat(cachedTextOnB(first)).isEqualTo("lost");
  }

  @Test
  void aSilentNodeHeardAgain_isCaughtUpWithForWhatItCommittedUnheard() throws Exception {
    String cardId = nodeA.create(APP, streamingCard()).join();
    broadcastFromA(store.events(cardId, 0, 10));
    afterMillis(Peers.SILENCE_MILLIS); // node A lost the bus: B catches up (nothing to find yet)
    settleB();
    writeOnA(
        cardId,
        1,
        "while cut off"); // its broadcast is dropped by its bus (not numbered here: silence alone)
    settleB();
    assertThat(heardByB).containsExactly(cardId + "@1");

    afterMillis(Peers.SILENCE_MILLIS);
    heartbeatFromA(); // back on the bus
    settleB();

    assertThat(heardByB).containsExactly(cardId + "@1", cardId + "@2");
  }
}
