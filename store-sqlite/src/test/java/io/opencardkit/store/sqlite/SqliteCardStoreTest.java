package io.opencardkit.store.sqlite;

import static io.opencardkit.store.testkit.Events.batch;
import static io.opencardkit.store.testkit.Events.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencardkit.core.store.CardStore;
import io.opencardkit.core.store.StorageException;
import io.opencardkit.core.store.StorageFailure;
import io.opencardkit.core.store.WriteBatch;
import io.opencardkit.store.testkit.CardStoreContract;
import io.opencardkit.store.testkit.Events;
import io.opencardkit.store.testkit.HeldWriter;
import io.opencardkit.store.testkit.Messages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class SqliteCardStoreTest extends CardStoreContract {
  @TempDir Path dir;

  private final IdentityHashMap<CardStore, Path> files = new IdentityHashMap<>();

  @Override
  protected CardStore newEmptyStore() {
    return openTracked(dir.resolve("cards-" + files.size() + ".db"));
  }

  @Override
  protected CardStore reopen(CardStore closed) {
    return openTracked(files.get(closed));
  }

  private CardStore openTracked(Path file) {
    CardStore store = SqliteCardStore.open(file);
    files.put(store, file);
    return store;
  }

  @Test
  void commit_completed_isVisibleToFreshConnectionOnSameFile() throws Exception {
    Path file = dir.resolve("fresh.db");
    try (SqliteCardStore store = SqliteCardStore.open(file)) {
      WriteBatch b =
          new WriteBatch(
              Events.range("c1", 1, 3),
              List.of(),
              List.of(Messages.text("om_1", "oc_1", 10)),
              Map.of("k", "v"));
      store.commit(b).get(30, TimeUnit.SECONDS);

      // a plain connection shares nothing with the store: it sees only what reached the database
      // file
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
          Statement s = c.createStatement()) {
        assertThat(count(s, "SELECT COUNT(*) FROM card_events WHERE card_id = 'c1'")).isEqualTo(3);
        assertThat(count(s, "SELECT COUNT(*) FROM messages")).isEqualTo(1);
        assertThat(count(s, "SELECT COUNT(*) FROM meta WHERE key = 'k' AND value = 'v'"))
            .isEqualTo(1);
      }
    }
  }

  @Test
  void commit_manyPagesOfUpdates_theCheckpointerCopiesTheWalIntoTheDatabaseFile() throws Exception {
    Path file = dir.resolve("checkpoint.db");
    try (SqliteCardStore store = SqliteCardStore.open(file)) {
      // more than SQLite's automatic checkpoint threshold (1,000 pages of 4 KiB), which the writer
      // no longer runs
      for (int v = 1; v <= 1_200; v++) {
        store
            .commit(batch(Events.textEvent("c1", v, "streamed text ".repeat(300))))
            .get(30, TimeUnit.SECONDS); // ~a 4 KiB page each
      }
      long[] walAndCopied = store.checkpointNow();

      assertThat(walAndCopied[1])
          .isEqualTo(walAndCopied[0]); // caught up: every frame is in the database file
      assertThat(store.events("c1", 0, 2_000)).hasSize(1_200);
    }
    // and it is all there for a connection that never saw the WAL of the closed store
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      assertThat(count(s, "SELECT COUNT(*) FROM card_events WHERE card_id = 'c1'"))
          .isEqualTo(1_200);
    }
  }

  @Test
  void checkpoint_walLongWhileCommitsKeepComing_startsTheWalOverAndCutsItsFileBack()
      throws Exception {
    Path file = dir.resolve("restart.db");
    Path wal = dir.resolve("restart.db-wal");
    AtomicReference<Runnable> betweenSteps = new AtomicReference<>(() -> {});
    WalLimits limits =
        new WalLimits(
            TimeUnit.HOURS.toMillis(1), // no background round: this test runs them
            100,
            30_000,
            256 << 10,
            () -> betweenSteps.get().run());
    try (SqliteCardStore store = SqliteCardStore.open(file, limits)) {
      for (int v = 1; v <= 150; v++) { // ~a 4 KiB page each: 150 frames, 600 KiB
        store
            .commit(batch(Events.textEvent("c1", v, "streamed text ".repeat(300))))
            .get(30, TimeUnit.SECONDS);
      }
      // Under steady load a commit is always in flight when a checkpoint runs: its transaction
      // began before the PASSIVE step copied the WAL, and it commits after. Here one does exactly
      // that, so the PASSIVE step alone would leave the WAL to grow on.
      CountDownLatch inTransaction = new CountDownLatch(1);
      CountDownLatch goOn = new CountDownLatch(1);
      CompletableFuture<Object> inFlight =
          store.runOnWriter(
              c -> {
                inTransaction.countDown();
                awaitQuietly(goOn);
                try (Statement s = c.createStatement()) {
                  s.executeUpdate("INSERT INTO meta (key, value) VALUES ('in-flight', 'x')");
                }
                return null;
              });
      assertThat(inTransaction.await(30, TimeUnit.SECONDS)).isTrue();
      betweenSteps.set(
          () -> {
            goOn.countDown();
            assertThat(inFlight).succeedsWithin(Duration.ofSeconds(30));
          });

      long[] walAndCopied = store.checkpointNow();
      betweenSteps.set(() -> {});
      store.commit(batch(event("c1", 151))).get(30, TimeUnit.SECONDS);

      assertThat(walAndCopied[1]).isEqualTo(walAndCopied[0]); // the RESTART step copied it all
      // so the next commit wrote the WAL from its start, into a file cut back to 256 KiB
      assertThat(store.checkpointNow()[0]).isLessThan(10);
      assertThat(Files.size(wal)).isLessThanOrEqualTo(256 << 10);
      assertThat(store.events("c1", 0, 200)).hasSize(151);
      assertThat(store.meta("in-flight")).contains("x");
    }
  }

  @Test
  void commit_afterClose_failsOnTheCallersThreadWhereADependentMayCloseTheStoreAgain()
      throws Exception {
    SqliteCardStore store = SqliteCardStore.open(dir.resolve("closed.db"));
    store.close();

    CompletableFuture<Void> refused =
        store.commit(batch(event("c1", 1))).whenComplete((v, e) -> store.close());

    assertThatThrownBy(() -> refused.get(30, TimeUnit.SECONDS))
        .hasCauseInstanceOf(StorageException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void commit_batchesQueuedBehindBusyWriter_shareOneTransaction() throws Exception {
    try (SqliteCardStore store = SqliteCardStore.open(dir.resolve("group.db"))) {
      HeldWriter held = hold(store);
      List<CompletableFuture<Void>> futures = new ArrayList<>();
      for (int v = 1; v <= 100; v++) {
        futures.add(store.commit(batch(event("c1", v))));
      }

      held.release();
      CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
          .get(30, TimeUnit.SECONDS);

      // all 100 were queued while the writer was busy, so its next drain took them into one
      // transaction
      assertThat(store.commitsCount()).isEqualTo(1);
      assertThat(store.batchesCount()).isEqualTo(100);
      assertThat(store.events("c1", 0, 1000)).isEqualTo(Events.range("c1", 1, 100));
    }
  }

  @Test
  void commit_badBatchInGroup_failsAloneWhileRestOfGroupCommits() throws Exception {
    try (SqliteCardStore store = SqliteCardStore.open(dir.resolve("retry.db"))) {
      store.commit(batch(event("c1", 1))).get(30, TimeUnit.SECONDS);
      HeldWriter held = hold(store);
      CompletableFuture<Void> good1 = store.commit(batch(event("c2", 1)));
      CompletableFuture<Void> bad = store.commit(batch(event("c3", 1), Events.bareEvent("c1", 1)));
      CompletableFuture<Void> good2 = store.commit(batch(event("c2", 2)));

      held.release();

      good1.get(30, TimeUnit.SECONDS);
      good2.get(30, TimeUnit.SECONDS);
      assertThat(bad)
          .failsWithin(30, TimeUnit.SECONDS)
          .withThrowableOfType(ExecutionException.class)
          .havingCause()
          .isInstanceOfSatisfying(
              StorageException.class,
              e -> assertThat(e.failure()).isEqualTo(StorageFailure.CONSTRAINT_VIOLATION));
      assertThat(store.events("c2", 0, 10)).isEqualTo(Events.range("c2", 1, 2));
      assertThat(store.loadCard("c3")).isEmpty();
      // the first commit, then the failed group's two good batches, each retried in its own
      // transaction
      assertThat(store.commitsCount()).isEqualTo(3);
      assertThat(store.batchesCount()).isEqualTo(3);
    }
  }

  @Test
  void open_fileWithOtherSchemaVersion_failsWithOther() throws Exception {
    Path file = dir.resolve("future.db");
    SqliteCardStore.open(file).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE meta SET value = '99' WHERE key = 'schema_version'");
    }

    assertThatThrownBy(() -> SqliteCardStore.open(file))
        .isInstanceOfSatisfying(
            StorageException.class, e -> assertThat(e.failure()).isEqualTo(StorageFailure.OTHER))
        .hasMessageContaining("99");
  }

  @Test
  void open_existingFile_keepsSchemaVersionRow() {
    Path file = dir.resolve("again.db");
    SqliteCardStore.open(file).close();

    try (SqliteCardStore store = SqliteCardStore.open(file)) {
      assertThat(store.meta("schema_version")).contains(SqliteSchema.VERSION);
    }
  }

  @Test
  void open_version1File_keepsEveryEventAndAppendsNewOnesInCommitOrder() throws Exception {
    Path file = dir.resolve("v1.db");
    try (SqliteCardStore store = SqliteCardStore.open(file)) {
      store.commit(batch(Events.range("c1", 1, 3))).get(30, TimeUnit.SECONDS);
      store.commit(batch(Events.range("c2", 1, 2))).get(30, TimeUnit.SECONDS);
    }
    rewriteAsVersion1(file);

    try (SqliteCardStore store = SqliteCardStore.open(file)) {
      assertThat(store.meta("schema_version")).contains("2");
      assertThat(store.events("c1", 0, 10))
          .extracting(e -> e.version())
          .containsExactly(1L, 2L, 3L);
      assertThat(store.storedVersions(List.of("c1", "c2")))
          .containsOnly(Map.entry("c1", 3L), Map.entry("c2", 2L));
      store.commit(batch(event("c1", 4))).get(30, TimeUnit.SECONDS);
      assertThat(store.events("c1", 3, 10)).extracting(e -> e.version()).containsExactly(4L);
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      assertThat(tableSql(s, "card_events")).doesNotContain("WITHOUT ROWID");
      assertThat(count(s, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'card_events_1'"))
          .isZero();
      // the event committed after the migration is the last row of the log
      try (ResultSet rs =
          s.executeQuery("SELECT card_id, version FROM card_events ORDER BY rowid DESC LIMIT 1")) {
        rs.next();
        assertThat(rs.getString(1) + "/" + rs.getLong(2)).isEqualTo("c1/4");
      }
    }
  }

  /** Gives the file schema 1's shape: the events in a table keyed by (card_id, version). */
  private static void rewriteAsVersion1(Path file) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.execute("ALTER TABLE card_events RENAME TO card_events_2");
      s.execute(
          "CREATE TABLE card_events ("
              + " card_id TEXT NOT NULL, version INTEGER NOT NULL, type TEXT NOT NULL, at_millis INTEGER NOT NULL,"
              + " app_id TEXT, sequence INTEGER NOT NULL, uuid TEXT, fingerprint TEXT, payload TEXT NOT NULL,"
              + " PRIMARY KEY (card_id, version)) WITHOUT ROWID");
      s.execute("INSERT INTO card_events SELECT * FROM card_events_2");
      s.execute("DROP TABLE card_events_2");
      s.executeUpdate("UPDATE meta SET value = '1' WHERE key = 'schema_version'");
    }
  }

  private static String tableSql(Statement s, String table) throws SQLException {
    try (ResultSet rs =
        s.executeQuery(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '" + table + "'")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static long count(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static HeldWriter hold(SqliteCardStore store) throws InterruptedException {
    return HeldWriter.hold(
        work ->
            store.runOnWriter(
                c -> {
                  work.run();
                  return null;
                }));
  }
}
