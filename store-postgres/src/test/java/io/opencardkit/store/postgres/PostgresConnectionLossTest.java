package io.opencardkit.store.postgres;

import static io.opencardkit.store.testkit.Commits.failure;
import static io.opencardkit.store.testkit.Commits.ok;
import static io.opencardkit.store.testkit.Events.batch;
import static io.opencardkit.store.testkit.Events.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencardkit.core.store.LoadedCard;
import io.opencardkit.core.store.StorageException;
import io.opencardkit.core.store.StorageFailure;
import io.opencardkit.store.postgres.testing.TcpProxy;
import io.opencardkit.store.testkit.Events;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The writer and the read pool losing PostgreSQL, and getting it back without a restart of the
 * store.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
final class PostgresConnectionLossTest {
  @RegisterExtension static final TestDatabase DATABASE = new TestDatabase();
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @Test
  void commit_afterWriterBackendKilled_failsWithConnectionLostThenNextCommitSucceeds()
      throws Exception {
    try (PostgresCardStore store = PostgresCardStore.open(DATABASE.freshSchema())) {
      ok(store.commit(batch(event("c1", 1))));
      int writerPid = store.writerBackendPid();

      terminateBackend(writerPid);

      StorageException lost = failure(store.commit(batch(event("c1", 2))));
      assertThat(lost.failure()).isEqualTo(StorageFailure.CONNECTION_LOST);
      // the first reconnect is immediate: one killed session is no outage
      ok(store.commit(batch(event("c1", 2))));
      assertThat(store.writerBackendPid()).isNotEqualTo(writerPid).isPositive();
      assertThat(store.events("c1", 0, 10)).isEqualTo(Events.range("c1", 1, 2));
    }
  }

  @Test
  void commitAndRead_whileDatabaseUnreachable_failFastThenRecoverByThemselves() throws Exception {
    try (TcpProxy proxy = TcpProxy.start(5432);
        PostgresCardStore store =
            PostgresCardStore.open(
                DATABASE.freshSchema(
                    "postgresql://postgres@127.0.0.1:"
                        + proxy.port()
                        + "/test?pool=2&connect_timeout=1"))) {
      ok(store.commit(batch(event("c1", 1))));
      assertThat(store.loadCard("c1")).isPresent();

      proxy.cut();

      assertThat(failure(store.commit(batch(event("c1", 2)))).failure())
          .isEqualTo(StorageFailure.CONNECTION_LOST);
      long startNanos = System.nanoTime();
      assertThat(failure(store.commit(batch(event("c1", 2)))).failure())
          .isEqualTo(StorageFailure.CONNECTION_LOST);
      // no wait for a connection that cannot come: at most one connect attempt, refused at once
      // here
      assertThat(Duration.ofNanos(System.nanoTime() - startNanos))
          .isLessThan(Duration.ofSeconds(2));
      assertThatThrownBy(() -> store.loadCard("c1"))
          .isInstanceOfSatisfying(
              StorageException.class,
              e -> assertThat(e.failure()).isEqualTo(StorageFailure.CONNECTION_LOST));

      proxy.restore();

      // the writer reconnects when its backoff allows (within 2 s); until then commits fail at
      // once, as above
      awaitSuccess(() -> store.commit(batch(event("c1", 2))).join());
      Optional<LoadedCard> card = awaitSuccess(() -> store.loadCard("c1"));
      assertThat(card).contains(new LoadedCard(null, Events.range("c1", 1, 2)));
    }
  }

  /** Asks until {@code call} succeeds; every failure meanwhile must be CONNECTION_LOST. */
  private static <T> T awaitSuccess(Supplier<T> call) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (true) {
      try {
        return call.get();
      } catch (RuntimeException e) {
        Throwable cause = e.getCause() instanceof StorageException ? e.getCause() : e;
        assertThat(cause)
            .isInstanceOfSatisfying(
                StorageException.class,
                s -> assertThat(s.failure()).isEqualTo(StorageFailure.CONNECTION_LOST));
        assertThat(System.nanoTime() - deadline).as("recovered within %s", DEADLINE).isNegative();
      }
    }
  }

  /** Kills the server process of a session from another connection, and waits until it is gone. */
  private static void terminateBackend(int pid) throws SQLException {
    try (Connection admin = TestDatabase.admin()) {
      try (PreparedStatement kill = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
        kill.setInt(1, pid);
        try (ResultSet rs = kill.executeQuery()) {
          assertThat(rs.next() && rs.getBoolean(1)).as("terminated backend %s", pid).isTrue();
        }
      }
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      while (backendExists(admin, pid)) {
        assertThat(System.nanoTime() - deadline)
            .as("backend %s gone within %s", pid, DEADLINE)
            .isNegative();
        Thread.onSpinWait();
      }
    }
  }

  private static boolean backendExists(Connection admin, int pid) throws SQLException {
    try (PreparedStatement q =
        admin.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE pid = ?")) {
      q.setInt(1, pid);
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        return rs.getInt(1) > 0;
      }
    }
  }
}
