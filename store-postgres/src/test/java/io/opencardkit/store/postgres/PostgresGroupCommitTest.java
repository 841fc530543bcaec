package io.opencardkit.store.postgres;

import static io.opencardkit.store.postgres.Futures.failure;
import static io.opencardkit.store.postgres.Futures.ok;
import static io.opencardkit.store.testkit.Events.batch;
import static io.opencardkit.store.testkit.Events.bareEvent;
import static io.opencardkit.store.testkit.Events.event;
import static io.opencardkit.store.testkit.Events.metaBatch;
import static io.opencardkit.store.testkit.Events.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.core.store.LoadedCard;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.core.store.StorageException;
import io.opencardkit.core.store.StorageFailure;
import io.opencardkit.core.store.WriteBatch;
import io.opencardkit.store.testkit.Events;
import io.opencardkit.store.testkit.HeldWriter;
import io.opencardkit.store.testkit.Messages;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Group commit with the head-row check, two stores on one schema standing for two server nodes. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
final class PostgresGroupCommitTest {
  private static final TestDatabase DATABASE = new TestDatabase();

  @AfterAll
  static void dropSchemas() throws Exception {
    DATABASE.dropSchemas();
  }

  @Test
  void commit_batchesQueuedBehindBusyWriter_shareOneTransaction() throws Exception {
    try (PostgresCardStore store = PostgresCardStore.open(DATABASE.freshSchema())) {
      HeldWriter held = Nodes.hold(store);
      List<CompletableFuture<Void>> futures = new ArrayList<>();
      for (int v = 1; v <= 100; v++) {
        futures.add(store.commit(batch(event("c1", v))));
      }

      held.release();
      futures.forEach(Futures::ok);

      // all 100 were queued while the writer was busy, so its next drain took them into one transaction
      assertThat(store.commitsCount()).isEqualTo(1);
      assertThat(store.batchesCount()).isEqualTo(100);
      assertThat(store.events("c1", 0, 1000)).isEqualTo(Events.range("c1", 1, 100));
    }
  }

  @Test
  void commit_versionStoredByOtherNode_failsThatBatchOnlyAndTheGroupCommitsOnce() throws Exception {
    PostgresConfig config = DATABASE.freshSchema();
    try (PostgresCardStore nodeA = PostgresCardStore.open(config);
        PostgresCardStore nodeB = PostgresCardStore.open(config)) {
      ok(nodeB.commit(batch(event("c1", 1))));
      HeldWriter held = Nodes.hold(nodeA);
      CompletableFuture<Void> before = nodeA.commit(batch(event("c2", 1)));
      CompletableFuture<Void> stale = nodeA.commit(new WriteBatch(
          List.of(bareEvent("c1", 1)), List.of(snapshot("c1", 1)), List.of(Messages.text("om_stale", "oc_1", 10)),
          Map.of("stale", "yes")));
      CompletableFuture<Void> after = nodeA.commit(metaBatch("k", "v"));

      held.release();

      ok(before);
      assertThat(failure(stale).failure()).isEqualTo(StorageFailure.CONSTRAINT_VIOLATION);
      ok(after);
      // the refused batch moved no head, so the other two committed in the group's one transaction, no retry
      assertThat(nodeA.commitsCount()).isEqualTo(1);
      assertThat(nodeA.batchesCount()).isEqualTo(2);
      assertThat(nodeA.loadCard("c1")).contains(new LoadedCard(null, List.of(event("c1", 1))));
      assertThat(nodeA.message("om_stale")).isEmpty();
      assertThat(nodeA.meta("stale")).isEmpty();
      assertThat(nodeA.meta("k")).contains("v");
      assertThat(nodeA.events("c2", 0, 10)).containsExactly(event("c2", 1));
    }
  }

  @Test
  void commit_batchAfterRefusedBatchOfSameCard_isRefusedToo() throws Exception {
    PostgresConfig config = DATABASE.freshSchema();
    try (PostgresCardStore nodeA = PostgresCardStore.open(config);
        PostgresCardStore nodeB = PostgresCardStore.open(config)) {
      ok(nodeB.commit(batch(event("c1", 1))));
      HeldWriter held = Nodes.hold(nodeA);
      CompletableFuture<Void> stale = nodeA.commit(batch(bareEvent("c1", 1)));
      // its version 2 is above the stored head, but it continues the refused version 1, not node B's
      CompletableFuture<Void> continuation = nodeA.commit(batch(bareEvent("c1", 2)));
      CompletableFuture<Void> other = nodeA.commit(batch(event("c2", 1)));

      held.release();

      assertThat(failure(stale).failure()).isEqualTo(StorageFailure.CONSTRAINT_VIOLATION);
      assertThat(failure(continuation).failure()).isEqualTo(StorageFailure.CONSTRAINT_VIOLATION);
      ok(other);
      assertThat(nodeB.events("c1", 0, 10)).containsExactly(event("c1", 1));
      assertThat(nodeB.events("c2", 0, 10)).containsExactly(event("c2", 1));
    }
  }

  @Test
  void commit_batchAcceptedForOneCardAndRefusedForAnother_failsAloneAfterRetryingEachBatch() throws Exception {
    PostgresConfig config = DATABASE.freshSchema();
    try (PostgresCardStore nodeA = PostgresCardStore.open(config);
        PostgresCardStore nodeB = PostgresCardStore.open(config)) {
      ok(nodeB.commit(batch(event("c1", 1))));
      HeldWriter held = Nodes.hold(nodeA);
      CompletableFuture<Void> before = nodeA.commit(batch(event("c2", 1)));
      CompletableFuture<Void> mixed = nodeA.commit(batch(event("c3", 1), bareEvent("c1", 1)));
      CompletableFuture<Void> after = nodeA.commit(batch(event("c2", 2)));

      held.release();

      ok(before);
      assertThat(failure(mixed).failure()).isEqualTo(StorageFailure.CONSTRAINT_VIOLATION);
      ok(after);
      // the group's transaction had moved c3's head for the mixed batch, so it was rolled back and each batch
      // committed alone
      assertThat(nodeA.commitsCount()).isEqualTo(2);
      assertThat(nodeA.loadCard("c3")).isEmpty();
      assertThat(nodeA.events("c2", 0, 10)).isEqualTo(Events.range("c2", 1, 2));
    }
  }

  @Test
  void commit_statementFails_reportsNoBoundValues() throws Exception {
    try (PostgresCardStore store = PostgresCardStore.open(DATABASE.freshSchema())) {
      // content is NOT NULL: the message upsert fails, and the driver would quote the row it was given
      MessageRecord broken = new MessageRecord(
          "om_1", "oc_1", "cli_sample", "app", "text", null, null, null, null, null, 10, 10);
      WriteBatch batch = new WriteBatch(
          List.of(), List.of(), List.of(broken), Map.of("directory", "{\"app_secret\":\"s3cret\"}"));
      CompletableFuture<Void> meta = store.commit(metaBatch("directory", "{\"app_secret\":\"s3cret\"}"));
      CompletableFuture<Void> failed = store.commit(batch);

      ok(meta);
      StorageException e = failure(failed);

      assertThat(e.failure()).isEqualTo(StorageFailure.CONSTRAINT_VIOLATION);
      for (Throwable t = e; t != null; t = t.getCause()) {
        assertThat(String.valueOf(t.getMessage())).doesNotContain("s3cret").doesNotContain("cli_sample");
      }
    }
  }
}
