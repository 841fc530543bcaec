package io.opencardkit.store.postgres;

import static io.opencardkit.store.testkit.Commits.failure;
import static io.opencardkit.store.testkit.Commits.failureOf;
import static io.opencardkit.store.testkit.Commits.ok;
import static io.opencardkit.store.testkit.Events.bareEvent;
import static io.opencardkit.store.testkit.Events.batch;
import static io.opencardkit.store.testkit.Events.event;
import static io.opencardkit.store.testkit.Events.metaBatch;
import static io.opencardkit.store.testkit.Events.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.core.store.LoadedCard;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.core.store.StorageException;
import io.opencardkit.core.store.StorageFailure;
import io.opencardkit.core.store.WriteBatch;
import io.opencardkit.store.testkit.Commits;
import io.opencardkit.store.testkit.Events;
import io.opencardkit.store.testkit.HeldWriter;
import io.opencardkit.store.testkit.Messages;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Group commit with the head-row check, two stores on one schema standing for two server nodes. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
final class PostgresGroupCommitTest {
  @RegisterExtension static final TestDatabase DATABASE = new TestDatabase();

  private PostgresCardStore nodeA;
  private PostgresCardStore nodeB;

  @BeforeEach
  void openTwoNodesOnOneSchema() {
    PostgresConfig config = DATABASE.freshSchema();
    nodeA = PostgresCardStore.open(config);
    nodeB = PostgresCardStore.open(config);
  }

  @AfterEach
  void closeNodes() {
    nodeA.close();
    nodeB.close();
  }

  @Test
  void commit_batchesQueuedBehindBusyWriter_shareOneTransaction() throws Exception {
    List<CompletableFuture<Void>> futures =
        commitInOneGroup(
            IntStream.rangeClosed(1, 100)
                .mapToObj(v -> batch(event("c1", v)))
                .toArray(WriteBatch[]::new));

    futures.forEach(Commits::ok);
    assertThat(nodeA.commitsCount()).isEqualTo(1);
    assertThat(nodeA.batchesCount()).isEqualTo(100);
    assertThat(nodeA.events("c1", 0, 1000)).isEqualTo(Events.range("c1", 1, 100));
  }

  @Test
  void commit_versionStoredByOtherNode_failsThatBatchOnlyAndTheGroupCommitsOnce() throws Exception {
    ok(nodeB.commit(batch(event("c1", 1))));

    List<CompletableFuture<Void>> group =
        commitInOneGroup(
            batch(event("c2", 1)),
            new WriteBatch(
                List.of(bareEvent("c1", 1)),
                List.of(snapshot("c1", 1)),
                List.of(Messages.text("om_stale", "oc_1", 10)),
                Map.of("stale", "yes")),
            metaBatch("k", "v"));

    ok(group.get(0));
    assertThat(failureOf(group.get(1))).isEqualTo(StorageFailure.CONSTRAINT_VIOLATION);
    ok(group.get(2));
    // the refused batch moved no head, so the other two committed in the group's one transaction,
    // no retry
    assertThat(nodeA.commitsCount()).isEqualTo(1);
    assertThat(nodeA.batchesCount()).isEqualTo(2);
    assertThat(nodeA.loadCard("c1")).contains(new LoadedCard(null, List.of(event("c1", 1))));
    assertThat(nodeA.message("om_stale")).isEmpty();
    assertThat(nodeA.meta("stale")).isEmpty();
    assertThat(nodeA.meta("k")).contains("v");
    assertThat(nodeA.events("c2", 0, 10)).containsExactly(event("c2", 1));
  }

  @Test
  void commit_batchAfterRefusedBatchOfSameCard_isRefusedToo() throws Exception {
    ok(nodeB.commit(batch(event("c1", 1))));

    // version 2 is above the stored head, but it continues the refused version 1, not node B's
    List<CompletableFuture<Void>> group =
        commitInOneGroup(
            batch(bareEvent("c1", 1)), batch(bareEvent("c1", 2)), batch(event("c2", 1)));

    assertThat(failureOf(group.get(0))).isEqualTo(StorageFailure.CONSTRAINT_VIOLATION);
    assertThat(failureOf(group.get(1))).isEqualTo(StorageFailure.CONSTRAINT_VIOLATION);
    ok(group.get(2));
    assertThat(nodeB.events("c1", 0, 10)).containsExactly(event("c1", 1));
    assertThat(nodeB.events("c2", 0, 10)).containsExactly(event("c2", 1));
  }

  @Test
  void commit_batchAcceptedForOneCardAndRefusedForAnother_failsAloneAfterRetryingEachBatch()
      throws Exception {
    ok(nodeB.commit(batch(event("c1", 1))));

    List<CompletableFuture<Void>> group =
        commitInOneGroup(
            batch(event("c2", 1)),
            batch(event("c3", 1), bareEvent("c1", 1)),
            batch(event("c2", 2)));

    ok(group.get(0));
    assertThat(failureOf(group.get(1))).isEqualTo(StorageFailure.CONSTRAINT_VIOLATION);
    ok(group.get(2));
    // the group's transaction had moved c3's head for the mixed batch, so it was rolled back and
    // each batch
    // committed alone: two commits, the mixed batch's none
    assertThat(nodeA.commitsCount()).isEqualTo(2);
    assertThat(nodeA.loadCard("c3")).isEmpty();
    assertThat(nodeA.events("c2", 0, 10)).isEqualTo(Events.range("c2", 1, 2));
  }

  @Test
  void commit_statementFails_reportsNoBoundValues() throws Exception {
    // content is NOT NULL: the message upsert fails, and the driver would quote the row it was
    // given
    MessageRecord broken =
        new MessageRecord(
            "om_1", "oc_1", "cli_sample", "app", "text", null, null, null, null, null, 10, 10);
    WriteBatch batch =
        new WriteBatch(
            List.of(),
            List.of(),
            List.of(broken),
            Map.of("directory", "{\"app_secret\":\"s3cret\"}"));
    CompletableFuture<Void> meta =
        nodeA.commit(metaBatch("directory", "{\"app_secret\":\"s3cret\"}"));
    CompletableFuture<Void> failed = nodeA.commit(batch);

    ok(meta);
    StorageException e = failure(failed);

    assertThat(e.failure()).isEqualTo(StorageFailure.CONSTRAINT_VIOLATION);
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage()))
          .doesNotContain("s3cret")
          .doesNotContain("cli_sample");
    }
  }

  /**
   * Commits {@code batches} on node A while its writer is held, so that they form one group; waits
   * for none.
   */
  private List<CompletableFuture<Void>> commitInOneGroup(WriteBatch... batches) throws Exception {
    HeldWriter held = Nodes.hold(nodeA);
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    for (WriteBatch b : batches) {
      futures.add(nodeA.commit(b));
    }
    held.release();
    return futures;
  }
}
