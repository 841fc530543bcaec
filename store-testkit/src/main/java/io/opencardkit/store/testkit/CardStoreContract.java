package io.opencardkit.store.testkit;

import static io.opencardkit.store.testkit.Events.batch;
import static io.opencardkit.store.testkit.Events.event;
import static io.opencardkit.store.testkit.Events.metaBatch;
import static io.opencardkit.store.testkit.Events.range;
import static io.opencardkit.store.testkit.Events.snapshot;
import static io.opencardkit.store.testkit.Events.snapshotBatch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencardkit.core.engine.CardEvent;
import io.opencardkit.core.store.CardStore;
import io.opencardkit.core.store.LoadedCard;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.core.store.StorageException;
import io.opencardkit.core.store.StorageFailure;
import io.opencardkit.core.store.StoredImage;
import io.opencardkit.core.store.WriteBatch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Behaviour every {@link CardStore} must have: the event log, atomic batches, messages, the
 * key/value area, ordering under concurrency, durability across reopen, and compaction. Public
 * because adapter tests in other modules extend it.
 *
 * <p>This class is longer than the size guide suggests on purpose: JUnit runs a contract through
 * one subclass per adapter, and splitting it would make every adapter list every part.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class CardStoreContract {
  private final List<CardStore> opened = Collections.synchronizedList(new ArrayList<>());

  /** A new store with no data; the contract closes it after the test. */
  protected abstract CardStore newEmptyStore();

  /**
   * A new handle on the data of {@code closed}, which the contract has just closed, as after a
   * restart. A database adapter opens the same file or schema again; a store without durability
   * returns a handle on the same memory.
   */
  protected abstract CardStore reopen(CardStore closed);

  @AfterEach
  void closeStores() {
    for (CardStore store : opened) {
      store.close();
    }
  }

  private CardStore store() {
    return track(newEmptyStore());
  }

  private CardStore closeAndReopen(CardStore store) {
    store.close();
    return track(reopen(store));
  }

  private CardStore track(CardStore store) {
    opened.add(store);
    return store;
  }

  // ---------------------------------------------------------------- event log

  @Test
  public void commit_eventsInSeveralBatches_loadCardReturnsThemInVersionOrder() {
    CardStore store = store();
    ok(store.commit(batch(range("c1", 1, 3))));
    // listed out of order within the batch: the log is ordered by version, not by insertion
    ok(store.commit(batch(event("c1", 5), event("c1", 4))));

    assertThat(store.loadCard("c1")).contains(new LoadedCard(null, range("c1", 1, 5)));
  }

  @Test
  public void commit_eventsWithAndWithoutOptionalFields_roundTripEqual() {
    CardStore store = store();
    CardEvent bare = Events.bareEvent("c1", 1);
    CardEvent full = event("c1", 2);
    ok(store.commit(batch(bare, full)));

    assertThat(store.events("c1", 0, 10)).containsExactly(bare, full);
  }

  @Test
  public void loadCard_withSnapshots_returnsNewestSnapshotAndOnlyLaterEvents() {
    CardStore store = store();
    ok(store.commit(batch(range("c1", 1, 10))));
    ok(store.commit(snapshotBatch(snapshot("c1", 4))));
    ok(store.commit(snapshotBatch(snapshot("c1", 7))));

    assertThat(store.loadCard("c1"))
        .contains(new LoadedCard(snapshot("c1", 7), range("c1", 8, 10)));
  }

  @Test
  public void loadCard_snapshotAtLastEvent_returnsEmptyTail() {
    CardStore store = store();
    ok(
        store.commit(
            new WriteBatch(range("c1", 1, 3), List.of(snapshot("c1", 3)), List.of(), Map.of())));

    assertThat(store.loadCard("c1")).contains(new LoadedCard(snapshot("c1", 3), List.of()));
  }

  @Test
  public void commit_olderSnapshotAfterNewer_keepsNewest() {
    CardStore store = store();
    ok(store.commit(batch(range("c1", 1, 9))));
    ok(store.commit(snapshotBatch(snapshot("c1", 7))));
    // a late writer of an older state must not make loading replay from further back than needed
    ok(store.commit(snapshotBatch(snapshot("c1", 4))));

    assertThat(store.loadCard("c1")).contains(new LoadedCard(snapshot("c1", 7), range("c1", 8, 9)));
  }

  @Test
  public void loadCard_unknownCard_isEmpty() {
    CardStore store = store();
    ok(store.commit(batch(event("c1", 1))));

    assertThat(store.loadCard("c2")).isEmpty();
    assertThat(store.events("c2", 0, 10)).isEmpty();
  }

  @Test
  public void events_afterVersionAndLimit_pageInVersionOrder() {
    CardStore store = store();
    ok(store.commit(batch(range("c1", 1, 25))));
    ok(store.commit(batch(range("c2", 1, 5)))); // another card's log must not leak into c1's pages

    assertThat(store.events("c1", 0, 10)).isEqualTo(range("c1", 1, 10));
    assertThat(store.events("c1", 10, 10)).isEqualTo(range("c1", 11, 20));
    assertThat(store.events("c1", 20, 10)).isEqualTo(range("c1", 21, 25));
    assertThat(store.events("c1", 25, 10)).isEmpty();
    assertThat(store.events("c1", 3, 0)).isEmpty();
  }

  @Test
  public void storedVersions_namedCards_answerEachStoredCardsLastVersionAndLeaveOutTheOthers() {
    CardStore store = store();
    ok(store.commit(batch(range("c1", 1, 3))));
    ok(store.commit(batch(range("c2", 1, 1))));
    ok(store.commit(batch(range("c1", 4, 5))));
    ok(store.commit(snapshotBatch(snapshot("c1", 4)))); // a snapshot does not hide later events

    assertThat(store.storedVersions(List.of("c1", "c2", "unknown", "c1")))
        .isEqualTo(Map.of("c1", 5L, "c2", 1L));
    assertThat(store.storedVersions(List.of())).isEmpty();
    assertThat(store.storedVersions(List.of("c2\u0000", "c1")))
        .isEqualTo(Map.of("c1", 5L)); // U+0000 matches nothing
  }

  @Test
  public void storedVersions_moreCardsThanOneQueryTakes_answersEveryOne() {
    CardStore store = store();
    List<String> ids =
        IntStream.rangeClosed(1, 2_500).mapToObj(i -> "card" + i).collect(Collectors.toList());
    List<CardEvent> events = new ArrayList<>();
    ids.forEach(id -> events.add(event(id, 1)));
    ok(store.commit(batch(events)));
    ok(store.commit(batch(range("card2500", 2, 7))));

    Map<String, Long> versions = store.storedVersions(ids);

    assertThat(versions)
        .hasSize(2_500)
        .containsEntry("card1", 1L)
        .containsEntry("card1999", 1L)
        .containsEntry("card2500", 7L);
  }

  @Test
  public void storedVersions_afterCompaction_leaveOutTheRemovedCards() {
    CardStore store = store();
    ok(store.commit(batch(event("old", 1, 1_000))));
    ok(store.commit(batch(event("new", 1, 5_000))));
    store.compact(3_000);

    assertThat(store.storedVersions(List.of("old", "new"))).isEqualTo(Map.of("new", 1L));
  }

  @Test
  public void events_negativeLimit_throwsIllegalArgument() {
    CardStore store = store();

    assertThatThrownBy(() -> store.events("c1", 0, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---------------------------------------------------------------- atomic batches

  @Test
  public void commit_batchWithStoredVersion_failsWithConstraintViolationAndWritesNothing() {
    CardStore store = store();
    ok(store.commit(batch(event("c1", 1))));
    CardEvent conflicting = Events.bareEvent("c1", 1);
    WriteBatch bad =
        new WriteBatch(
            List.of(event("c2", 1), event("c1", 2), conflicting),
            List.of(snapshot("c2", 1)),
            List.of(Messages.text("om_1", "oc_1", 100)),
            Map.of("k", "v"));

    assertThat(failure(store.commit(bad))).isEqualTo(StorageFailure.CONSTRAINT_VIOLATION);

    // the valid rows listed before the conflict must have been rolled back with it
    assertThat(store.loadCard("c1")).contains(new LoadedCard(null, List.of(event("c1", 1))));
    assertThat(store.loadCard("c2")).isEmpty();
    assertThat(store.message("om_1")).isEmpty();
    assertThat(store.meta("k")).isEmpty();
  }

  @Test
  public void commit_versionRepeatedWithinBatch_failsWithConstraintViolation() {
    CardStore store = store();

    assertThat(failure(store.commit(batch(event("c1", 1), event("c1", 2), event("c1", 1)))))
        .isEqualTo(StorageFailure.CONSTRAINT_VIOLATION);
    assertThat(store.loadCard("c1")).isEmpty();
  }

  @Test
  public void commit_afterFailedBatch_acceptsNextBatch() {
    CardStore store = store();
    ok(store.commit(batch(event("c1", 1))));
    failure(store.commit(batch(event("c1", 1))));

    ok(store.commit(batch(event("c1", 2))));

    assertThat(store.events("c1", 0, 10)).isEqualTo(range("c1", 1, 2));
  }

  @Test
  public void commit_emptyBatch_completesNormally() {
    CardStore store = store();

    ok(store.commit(new WriteBatch(List.of(), List.of(), List.of(), Map.of())));
  }

  // ---------------------------------------------------------------- messages

  @Test
  public void commit_messages_areFoundByIdWithEveryField() {
    CardStore store = store();
    MessageRecord card = Messages.card("om_1", "oc_1", "c1", "uuid-1", 100);
    MessageRecord text = Messages.text("om_2", "oc_1", 200); // null card, thread and uuid
    ok(store.commit(Messages.batch(card, text)));

    assertThat(store.message("om_1")).contains(card);
    assertThat(store.message("om_2")).contains(text);
    assertThat(store.message("om_3")).isEmpty();
  }

  @Test
  public void commit_messageWithSameId_replacesIt() {
    CardStore store = store();
    MessageRecord original = Messages.text("om_1", "oc_1", 100);
    ok(store.commit(Messages.batch(original)));
    MessageRecord patched = original.withContent("{\"text\":\"edited\"}", 150);

    ok(store.commit(Messages.batch(patched)));

    assertThat(store.message("om_1")).contains(patched);
    assertThat(store.messagesOfChat("oc_1", 0, Long.MAX_VALUE, true, 0, 10))
        .containsExactly(patched);
  }

  @Test
  public void messageByUuid_senderAndUuid_findOnlyThatSendersMessage() {
    CardStore store = store();
    MessageRecord sent = Messages.card("om_1", "oc_1", "c1", "uuid-1", 100);
    ok(store.commit(Messages.batch(sent, Messages.text("om_2", "oc_1", 110))));

    assertThat(store.messageByUuid("cli_sample", "uuid-1")).contains(sent);
    assertThat(store.messageByUuid("cli_other", "uuid-1"))
        .isEmpty(); // uuids are scoped to their sender
    assertThat(store.messageByUuid("cli_sample", "uuid-2")).isEmpty();
  }

  @Test
  public void uuidUsedAgainWithinTheHour_byAnotherMessage_isRefusedAndNothingOfItsBatchStored() {
    CardStore store = store();
    MessageRecord first = Messages.card("om_1", "oc_1", "c1", "uuid-1", 100);
    ok(store.commit(Messages.batch(first)));

    MessageRecord again =
        Messages.card("om_2", "oc_1", "c1", "uuid-1", 100 + MessageRecord.UUID_WINDOW_MILLIS - 1);
    assertThat(failure(store.commit(Messages.batch(Messages.text("om_3", "oc_1", 150), again))))
        .isEqualTo(StorageFailure.CONSTRAINT_VIOLATION);

    assertThat(store.message("om_2")).isEmpty();
    assertThat(store.message("om_3")).isEmpty(); // the batch is atomic
    assertThat(store.messageByUuid("cli_sample", "uuid-1")).contains(first);
  }

  @Test
  public void uuidClaim_allowsTheSameMessageRewritten_anotherSender_andAnyoneAfterTheHour() {
    CardStore store = store();
    MessageRecord first = Messages.card("om_1", "oc_1", "c1", "uuid-1", 100);
    ok(store.commit(Messages.batch(first)));

    ok(
        store.commit(
            Messages.batch(
                first.withContent(
                    "{\"type\":\"card\",\"data\":{\"card_id\":\"c1\"}}", 5_000)))); // a PATCH
    MessageRecord other =
        new MessageRecord(
            "om_o",
            "oc_1",
            "cli_other",
            "app",
            "text",
            "{\"text\":\"x\"}",
            null,
            null,
            null,
            "uuid-1",
            200,
            200);
    ok(store.commit(Messages.batch(other)));
    MessageRecord later =
        Messages.card("om_2", "oc_1", "c1", "uuid-1", 100 + MessageRecord.UUID_WINDOW_MILLIS);
    ok(store.commit(Messages.batch(later)));

    assertThat(store.messageByUuid("cli_sample", "uuid-1")).contains(later);
    assertThat(store.messageByUuid("cli_other", "uuid-1")).contains(other);
  }

  @Test
  public void twoBatchesWithOneUuid_committedConcurrently_exactlyOneIsStored() {
    CardStore store = store();
    List<CompletableFuture<Void>> commits = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      commits.add(
          store.commit(
              Messages.batch(Messages.card("om_" + i, "oc_1", "c1", "uuid-race", 100 + i))));
    }
    long stored =
        commits.stream()
            .filter(
                c -> {
                  try {
                    c.join();
                    return true;
                  } catch (RuntimeException e) {
                    return false;
                  }
                })
            .count();

    assertThat(stored).isEqualTo(1);
    assertThat(store.messagesOfChat("oc_1", 0, Long.MAX_VALUE, true, 0, 100)).hasSize(1);
  }

  @Test
  public void messagesOfChat_bothDirections_orderByCreationThenId() {
    CardStore store = store();
    ok(
        store.commit(
            Messages.batch(
                Messages.text("om_d", "oc_1", 30),
                Messages.text("om_b", "oc_1", 20),
                Messages.text("om_a", "oc_1", 20), // same time as om_b: the id breaks the tie
                Messages.text("om_c", "oc_1", 10),
                Messages.text("om_x", "oc_2", 15))));

    assertThat(ids(store.messagesOfChat("oc_1", 0, 100, true, 0, 10)))
        .containsExactly("om_c", "om_a", "om_b", "om_d");
    assertThat(ids(store.messagesOfChat("oc_1", 0, 100, false, 0, 10)))
        .containsExactly("om_d", "om_b", "om_a", "om_c");
  }

  @Test
  public void messagesOfChat_timeRange_isInclusiveAtBothEnds() {
    CardStore store = store();
    ok(
        store.commit(
            Messages.batch(
                Messages.text("om_1", "oc_1", 10),
                Messages.text("om_2", "oc_1", 20),
                Messages.text("om_3", "oc_1", 30),
                Messages.text("om_4", "oc_1", 40))));

    assertThat(ids(store.messagesOfChat("oc_1", 20, 30, true, 0, 10)))
        .containsExactly("om_2", "om_3");
    assertThat(store.messagesOfChat("oc_1", 41, 100, true, 0, 10)).isEmpty();
    assertThat(store.messagesOfChat("oc_9", 0, 100, true, 0, 10)).isEmpty();
  }

  @Test
  public void messagesOfChat_offsetAndLimit_pageInEitherDirection() {
    CardStore store = store();
    ok(
        store.commit(
            Messages.batch(
                IntStream.rangeClosed(1, 7)
                    .mapToObj(i -> Messages.text("om_" + i, "oc_1", i * 10L))
                    .toArray(MessageRecord[]::new))));

    assertThat(ids(store.messagesOfChat("oc_1", 0, 100, true, 0, 3)))
        .containsExactly("om_1", "om_2", "om_3");
    assertThat(ids(store.messagesOfChat("oc_1", 0, 100, true, 6, 3))).containsExactly("om_7");
    assertThat(ids(store.messagesOfChat("oc_1", 0, 100, false, 2, 2)))
        .containsExactly("om_5", "om_4");
    assertThat(store.messagesOfChat("oc_1", 0, 100, true, 7, 3)).isEmpty();
    assertThat(store.messagesOfChat("oc_1", 0, 100, true, 0, 0)).isEmpty();
  }

  @Test
  public void messagesOfChat_negativeOffsetOrLimit_throwsIllegalArgument() {
    CardStore store = store();

    assertThatThrownBy(() -> store.messagesOfChat("oc_1", 0, 100, true, -1, 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.messagesOfChat("oc_1", 0, 100, true, 0, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  public void reads_keysHoldingNul_matchNothingAndDoNotFail() {
    // Regression: PostgreSQL cannot take U+0000 in a text parameter; a fuzzed message id made a
    // lookup fail (503).
    CardStore store = store();
    ok(
        store.commit(
            new WriteBatch(
                range("c1", 1, 2),
                List.of(),
                List.of(Messages.text("om_1", "oc_1", 10)),
                Map.of("k", "v"))));
    String nul = "om_1\u0000";

    assertThat(store.message(nul)).isEmpty();
    assertThat(store.messageByUuid("cli_sample", "u\u0000")).isEmpty();
    assertThat(store.loadCard("c1\u0000")).isEmpty();
    assertThat(store.events("c1\u0000", 0, 10)).isEmpty();
    assertThat(store.messagesOfChat("oc_1\u0000", 0, Long.MAX_VALUE, true, 0, 10)).isEmpty();
    assertThat(store.meta("k\u0000")).isEmpty();
    assertThat(store.message("om_1")).isPresent(); // and the store still answers afterwards
  }

  // ---------------------------------------------------------------- key/value area

  @Test
  public void meta_upsert_replacesValue() {
    CardStore store = store();
    ok(store.commit(metaBatch("directory", "v1")));
    ok(store.commit(metaBatch("directory", "v2")));

    assertThat(store.meta("directory")).contains("v2");
    assertThat(store.meta("missing")).isEmpty();
  }

  // ---------------------------------------------------------------- concurrency and ordering

  @Test
  public void commit_fromManyThreads_storesEveryEventExactlyOnce() throws Exception {
    CardStore store = store();
    int threads = 8;
    int batchesPerThread = 200;
    CountDownLatch start = new CountDownLatch(1);
    List<CompletableFuture<Void>> all = Collections.synchronizedList(new ArrayList<>());
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String cardId = "card-" + t;
      Thread writer =
          new Thread(
              () -> {
                await(start);
                for (int v = 1; v <= batchesPerThread; v++) {
                  WriteBatch b =
                      v % 10 == 0
                          ? new WriteBatch(
                              List.of(event(cardId, v)),
                              List.of(snapshot(cardId, v)),
                              List.of(Messages.text("om_" + cardId + "_" + v, "oc_" + cardId, v)),
                              Map.of())
                          : batch(event(cardId, v));
                  all.add(
                      store.commit(
                          b)); // pipelined: no wait, so the store sees many batches at once
                }
              });
      writers.add(writer);
      writer.start();
    }
    start.countDown();
    for (Thread writer : writers) {
      writer.join();
    }
    for (CompletableFuture<Void> f : all) {
      ok(f);
    }

    for (int t = 0; t < threads; t++) {
      String cardId = "card-" + t;
      assertThat(store.events(cardId, 0, 1000)).isEqualTo(range(cardId, 1, batchesPerThread));
      assertThat(store.loadCard(cardId))
          .contains(new LoadedCard(snapshot(cardId, batchesPerThread), List.of()));
      assertThat(store.messagesOfChat("oc_" + cardId, 0, Long.MAX_VALUE, true, 0, 1000))
          .hasSize(20);
    }
  }

  @Test
  public void commit_pipelinedForOneCard_appliesInCallOrder() {
    CardStore store = store();
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      futures.add(store.commit(metaBatch("k", "v" + i)));
    }
    CompletableFuture<Void> first = store.commit(batch(event("c1", 1)));
    // applied after `first` only if call order holds; applied before, it would win and `first`
    // would fail
    CompletableFuture<Void> second = store.commit(batch(Events.bareEvent("c1", 1)));
    futures.forEach(CardStoreContract::ok);

    ok(first);
    assertThat(failure(second)).isEqualTo(StorageFailure.CONSTRAINT_VIOLATION);
    assertThat(store.meta("k")).contains("v100");
    assertThat(store.events("c1", 0, 10)).containsExactly(event("c1", 1));
  }

  @Test
  public void commit_pipelined_futuresCompleteInCallOrder() {
    CardStore store = store();
    List<Integer> completions = Collections.synchronizedList(new ArrayList<>());
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      int index = i;
      futures.add(
          store.commit(batch(event("c1", i + 1))).whenComplete((r, e) -> completions.add(index)));
    }
    futures.forEach(CardStoreContract::ok);

    assertThat(completions).isEqualTo(IntStream.range(0, 300).boxed().collect(Collectors.toList()));
  }

  @Test
  public void commit_badBatchAmongPipelined_failsAloneAndOthersCommit() {
    CardStore store = store();
    ok(store.commit(batch(event("c1", 1))));
    CompletableFuture<Void> before = store.commit(batch(event("c2", 1)));
    CompletableFuture<Void> bad =
        store.commit(
            new WriteBatch(
                List.of(event("c3", 1), Events.bareEvent("c1", 1)),
                List.of(),
                List.of(),
                Map.of("bad", "yes")));
    CompletableFuture<Void> after = store.commit(batch(event("c2", 2)));

    ok(before);
    assertThat(failure(bad)).isEqualTo(StorageFailure.CONSTRAINT_VIOLATION);
    ok(after);
    assertThat(store.events("c2", 0, 10)).isEqualTo(range("c2", 1, 2));
    assertThat(store.loadCard("c3")).isEmpty();
    assertThat(store.meta("bad")).isEmpty();
  }

  // ---------------------------------------------------------------- lifecycle and durability

  @Test
  public void close_thenReopen_keepsEveryKindOfRow() {
    CardStore store = store();
    MessageRecord message = Messages.card("om_1", "oc_1", "c1", "uuid-1", 100);
    ok(
        store.commit(
            new WriteBatch(
                range("c1", 1, 5),
                List.of(snapshot("c1", 3)),
                List.of(message),
                Map.of("directory", "{}"))));

    CardStore reopened = closeAndReopen(store);

    assertThat(reopened.loadCard("c1"))
        .contains(new LoadedCard(snapshot("c1", 3), range("c1", 4, 5)));
    assertThat(reopened.message("om_1")).contains(message);
    assertThat(reopened.meta("directory")).contains("{}");
  }

  @Test
  public void close_withPendingCommits_finishesThemFirst() {
    CardStore store = store();
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    for (int v = 1; v <= 200; v++) {
      futures.add(store.commit(batch(event("c1", v))));
    }

    store.close();

    // close returns only after the queue is drained, so every future is already complete
    assertThat(futures).allSatisfy(f -> assertThat(f).isCompleted());
    assertThat(closeAndReopen(store).events("c1", 0, 1000)).isEqualTo(range("c1", 1, 200));
  }

  @Test
  public void commit_afterClose_failsWithOther() {
    CardStore store = store();
    store.close();

    assertThat(failure(store.commit(batch(event("c1", 1))))).isEqualTo(StorageFailure.OTHER);
  }

  @Test
  public void read_afterClose_throwsStorageException() {
    CardStore store = store();
    store.close();

    assertThatThrownBy(() -> store.loadCard("c1"))
        .isInstanceOfSatisfying(
            StorageException.class, e -> assertThat(e.failure()).isEqualTo(StorageFailure.OTHER));
  }

  @Test
  public void close_twice_isHarmless() {
    CardStore store = store();
    store.close();

    store.close();
  }

  // ---------------------------------------------------------------- compaction

  @Test
  public void compact_staleCard_removesItsLogAndSnapshotButKeepsMessages() {
    CardStore store = store();
    MessageRecord message = Messages.card("om_1", "oc_1", "old", null, 1_000);
    ok(
        store.commit(
            new WriteBatch(
                List.of(event("old", 1, 1_000), event("old", 2, 1_100)),
                List.of(snapshot("old", 1)),
                List.of(message),
                Map.of())));
    ok(store.commit(batch(event("new", 1, 5_000))));

    assertThat(store.compact(3_000)).isEqualTo(1);

    assertThat(store.loadCard("old")).isEmpty();
    assertThat(store.events("old", 0, 10)).isEmpty();
    assertThat(store.message("om_1")).contains(message); // chat history outlives the card entity
    assertThat(store.events("new", 0, 10)).containsExactly(event("new", 1, 5_000));
  }

  @Test
  public void compact_cardWhoseLastEventIsRecent_keepsWholeLog() {
    CardStore store = store();
    // only the newest event decides: an old first event does not make a live card stale
    List<CardEvent> log = List.of(event("c1", 1, 1_000), event("c1", 2, 3_000));
    ok(store.commit(batch(log)));

    assertThat(store.compact(3_000))
        .isZero(); // "older than" is strict: 3_000 is not older than 3_000

    assertThat(store.events("c1", 0, 10)).isEqualTo(log);
  }

  @Test
  public void compact_recentCardWithSeveralSnapshots_keepsNewestSnapshotAndLaterEvents() {
    CardStore store = store();
    ok(store.commit(batch(range("c1", 1, 8))));
    ok(store.commit(snapshotBatch(snapshot("c1", 3))));
    ok(store.commit(snapshotBatch(snapshot("c1", 6))));

    assertThat(store.compact(Events.BASE_MILLIS)).isZero();

    assertThat(store.loadCard("c1")).contains(new LoadedCard(snapshot("c1", 6), range("c1", 7, 8)));
    assertThat(store.events("c1", 0, 100)).isEqualTo(range("c1", 1, 8));
  }

  // ---------------------------------------------------------------- images

  @Test
  public void saveImage_thenReopen_imageReadsBackByteForByte() {
    CardStore store = store();
    byte[] bytes = new byte[10 * 1024 * 1024]; // the largest image Feishu accepts
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i * 31 + (i >> 8)); // every byte value, no run a store could shorten
    }
    ok(store.saveImage(new StoredImage("img_v3_a", "cli_a", "image/png", 640, 480, bytes, 1_000)));

    CardStore reopened = closeAndReopen(store);

    StoredImage read = reopened.image("img_v3_a").orElseThrow();
    assertThat(read.appId()).isEqualTo("cli_a");
    assertThat(read.mimeType()).isEqualTo("image/png");
    assertThat(read.width()).isEqualTo(640);
    assertThat(read.height()).isEqualTo(480);
    assertThat(read.createdAtMillis()).isEqualTo(1_000);
    assertThat(read.bytes()).isEqualTo(bytes);
  }

  @Test
  public void image_unknownKey_isEmpty() {
    CardStore store = store();
    ok(
        store.saveImage(
            new StoredImage("img_v3_a", "cli_a", "image/gif", 1, 1, new byte[] {1, 2, 3}, 1)));

    assertThat(store.image("img_v3_b")).isEmpty();
    assertThat(store.image("img_v3_a\0"))
        .isEmpty(); // a key with U+0000 matches nothing on every store
  }

  @Test
  public void saveImage_sameKeyTwice_secondFailsWithConstraintViolationAndFirstStays() {
    CardStore store = store();
    ok(store.saveImage(new StoredImage("img_v3_a", "cli_a", "image/gif", 1, 1, new byte[] {1}, 1)));

    CompletableFuture<Void> again =
        store.saveImage(new StoredImage("img_v3_a", "cli_b", "image/png", 2, 2, new byte[] {2}, 2));

    assertThat(failure(again)).isEqualTo(StorageFailure.CONSTRAINT_VIOLATION);
    assertThat(store.image("img_v3_a").orElseThrow().appId()).isEqualTo("cli_a");
  }

  // ---------------------------------------------------------------- helpers

  private static List<String> ids(List<MessageRecord> messages) {
    return messages.stream().map(MessageRecord::messageId).collect(Collectors.toList());
  }

  private static void ok(CompletableFuture<Void> commit) {
    Commits.ok(commit);
  }

  private static StorageFailure failure(CompletableFuture<Void> commit) {
    return Commits.failureOf(commit);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
