package io.opencardkit.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.core.Json;
import io.opencardkit.core.engine.CardEvent;
import io.opencardkit.core.engine.EventType;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.core.store.StorageException;
import io.opencardkit.core.store.StorageFailure;
import io.opencardkit.core.store.WriteBatch;
import io.opencardkit.store.testkit.Commits;
import io.opencardkit.store.testkit.Events;
import io.opencardkit.store.testkit.Messages;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two stores on one schema, as two server nodes, racing to write the same versions of the same
 * cards.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
final class PostgresTwoNodesTest {
  @RegisterExtension static final TestDatabase DATABASE = new TestDatabase();
  private static final List<String> CARDS = List.of("c0", "c1", "c2", "c3", "c4");
  private static final int VERSIONS = 30;
  private static final int WRITERS = 4;

  @Test
  void commit_sameVersionsFromTwoNodes_storesEachOnceAndFailsEveryLoserAlone() throws Exception {
    PostgresConfig config = DATABASE.freshSchema();
    try (PostgresCardStore nodeA = PostgresCardStore.open(config);
        PostgresCardStore nodeB = PostgresCardStore.open(config)) {
      List<Attempt> attempts = Collections.synchronizedList(new ArrayList<>());
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        // writers 0 and 1 write every card in one batch, 2 and 3 one card per batch: heads then
        // differ between
        // cards, so batches are also accepted for some cards and refused for others
        PostgresCardStore node = writer % 2 == 0 ? nodeA : nodeB;
        Thread t =
            new Thread(
                () -> {
                  awaitQuietly(start);
                  writeEveryVersion(node, writer, writer < 2, attempts);
                },
                "writer-" + writer);
        threads.add(t);
        t.start();
      }
      start.countDown();
      for (Thread t : threads) {
        t.join();
      }

      Map<String, Attempt> winners =
          new HashMap<>(); // "card@version" -> the one attempt that stored it
      for (Attempt a : attempts) {
        StorageException failed = Commits.outcome(a.future);
        StorageFailure failure = failed == null ? null : failed.failure();
        // a deadlock would surface as BUSY (PostgreSQL aborts one of the two): none may happen
        assertThat(failure)
            .as("outcome of %s", a.message.messageId())
            .isIn(null, StorageFailure.CONSTRAINT_VIOLATION);
        if (failure == null) {
          for (CardEvent e : a.batch.events()) {
            assertThat(winners.put(e.cardId() + "@" + e.version(), a))
                .as("second winner of %s@%s", e.cardId(), e.version())
                .isNull();
          }
        }
        // a loser wrote nothing, a winner everything
        assertThat(nodeA.message(a.message.messageId()).isPresent()).isEqualTo(failure == null);
        assertThat(nodeB.meta(a.metaKey()).isPresent()).isEqualTo(failure == null);
      }
      for (String card : CARDS) {
        List<CardEvent> stored = nodeB.events(card, 0, 10 * VERSIONS);
        for (CardEvent e : stored) {
          Attempt winner = winners.get(card + "@" + e.version());
          assertThat(winner).as("winner of %s@%s", card, e.version()).isNotNull();
          assertThat(winner.batch.events()).contains(e);
        }
        assertThat(stored)
            .hasSize((int) winners.keySet().stream().filter(k -> k.startsWith(card + "@")).count());
      }
      // each version is tried by 12 batches (2 of all cards, 10 of one card) and each card can go
      // to one of them,
      // so at most 5 win it: at least 7 lose
      assertThat(attempts.stream().filter(a -> a.future.isCompletedExceptionally()).count())
          .isGreaterThanOrEqualTo(7L * VERSIONS);
    }
  }

  private static void writeEveryVersion(
      PostgresCardStore node, int writer, boolean allCardsInOne, List<Attempt> out) {
    Random random =
        new Random(writer); // seeded: the card order within a batch differs by writer, repeatably
    for (int v = 1; v <= VERSIONS; v++) {
      if (allCardsInOne) {
        List<String> order = new ArrayList<>(CARDS);
        Collections.shuffle(
            order, random); // events out of lock order: the writer must sort the claims
        List<CardEvent> events = new ArrayList<>();
        for (String card : order) {
          events.add(event(card, v, writer));
        }
        out.add(Attempt.commit(node, writer, v, "all", events));
      } else {
        for (String card : CARDS) {
          out.add(Attempt.commit(node, writer, v, card, List.of(event(card, v, writer))));
        }
      }
    }
  }

  /** An event that tells which writer made it. */
  private static CardEvent event(String card, long version, int writer) {
    return new CardEvent(
        card,
        version,
        EventType.CONTENT_APPENDED,
        Events.BASE_MILLIS + version,
        "writer-" + writer,
        (int) version,
        "u-" + writer + "-" + version,
        null,
        Json.object().put("writer", writer));
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * One pipelined commit: events, a message and a meta entry of its own, so a loser's rows can be
   * looked for.
   */
  private static final class Attempt {
    final WriteBatch batch;
    final MessageRecord message;
    final CompletableFuture<Void> future;

    private Attempt(WriteBatch batch, MessageRecord message, CompletableFuture<Void> future) {
      this.batch = batch;
      this.message = message;
      this.future = future;
    }

    static Attempt commit(
        PostgresCardStore node, int writer, int version, String what, List<CardEvent> events) {
      String id = "om_w" + writer + "_v" + version + "_" + what;
      MessageRecord message = Messages.text(id, "oc_race", version);
      WriteBatch batch =
          new WriteBatch(events, List.of(), List.of(message), Map.of("k_" + id, "v"));
      return new Attempt(batch, message, node.commit(batch));
    }

    String metaKey() {
      return "k_" + message.messageId();
    }
  }
}
