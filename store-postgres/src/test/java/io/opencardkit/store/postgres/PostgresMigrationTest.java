package io.opencardkit.store.postgres;

import static io.opencardkit.store.testkit.Commits.ok;
import static io.opencardkit.store.testkit.Events.batch;
import static io.opencardkit.store.testkit.Events.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencardkit.core.store.StorageException;
import io.opencardkit.core.store.StorageFailure;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Creating and upgrading the schema with Flyway, alone or from several nodes at once, and failing
 * to.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
final class PostgresMigrationTest {
  @RegisterExtension static final TestDatabase DATABASE = new TestDatabase();

  @Test
  void migrate_twice_appliesEachVersionOnceIntoItsOwnHistoryTable() throws Exception {
    PostgresConfig config = DATABASE.freshSchema();

    PostgresCardStore.migrate(config);
    PostgresCardStore.migrate(config);

    assertThat(
            query(
                "SELECT version || ':' || success FROM "
                    + config.schema()
                    + ".opencardkit_schema_history"
                    + " WHERE version IS NOT NULL ORDER BY installed_rank"))
        .containsExactly("1:true", "2:true", "3:true");
    assertThat(
            query(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = '"
                    + config.schema()
                    + "' ORDER BY table_name"))
        .containsExactly(
            "bot_deliveries",
            "card_events",
            "card_snapshots",
            "cards",
            "images",
            "message_uuids",
            "messages",
            "meta",
            "opencardkit_schema_history");
  }

  @Test
  void open_twoNodesAtOnceOnFreshSchema_bothSucceedAndShareTheTables() throws Exception {
    PostgresConfig config = DATABASE.freshSchema();
    CyclicBarrier together = new CyclicBarrier(2);
    ExecutorService nodes = Executors.newFixedThreadPool(2);
    List<Future<PostgresCardStore>> opening = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        opening.add(
            nodes.submit(
                () -> {
                  together.await(30, TimeUnit.SECONDS);
                  return PostgresCardStore.open(config);
                }));
      }
      try (PostgresCardStore first = opening.get(0).get(60, TimeUnit.SECONDS);
          PostgresCardStore second = opening.get(1).get(60, TimeUnit.SECONDS)) {
        ok(first.commit(batch(event("c1", 1))));

        assertThat(second.events("c1", 0, 10)).containsExactly(event("c1", 1));
      }
    } finally {
      nodes.shutdownNow();
    }
  }

  @Test
  void open_writerUsesTheConfiguredSchema() throws Exception {
    PostgresConfig config = DATABASE.freshSchema();
    try (PostgresCardStore store = PostgresCardStore.open(config)) {
      CompletableFuture<String> schema =
          store.runOnWriter(
              c -> {
                try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT current_schema()")) {
                  rs.next();
                  return rs.getString(1);
                }
              });

      assertThat(schema.get(30, TimeUnit.SECONDS)).isEqualTo(config.schema());
    }
  }

  @Test
  void open_unreachableServer_failsWithConnectionLostAndShowsNoPassword() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort(); // free once closed: nothing listens there
    }
    PostgresConfig config =
        PostgresConfig.parse(
            "postgresql://postgres:s3cret@127.0.0.1:" + closedPort + "/test?connect_timeout=1");

    assertThatThrownBy(() -> PostgresCardStore.open(config))
        .isInstanceOfSatisfying(
            StorageException.class,
            e -> {
              assertThat(e.failure()).isEqualTo(StorageFailure.CONNECTION_LOST);
              assertThat(e.getMessage()).contains("postgres:***@127.0.0.1:" + closedPort);
              for (Throwable t = e; t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage())).doesNotContain("s3cret");
              }
            });
  }

  @Test
  void open_schemaMigratedByANewerRelease_isRefusedWithAMessageSayingSo() throws Exception {
    PostgresConfig config = DATABASE.freshSchema();
    PostgresCardStore.migrate(config);
    try (Connection c = TestDatabase.admin();
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO "
              + config.schema()
              + ".opencardkit_schema_history"
              + " (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success)"
              + " VALUES (99, '99', 'from the future', 'SQL', 'V99__from_the_future.sql', 0, 'test', 0, true)");
    }

    assertThatThrownBy(() -> PostgresCardStore.open(config))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("99");
  }

  private static List<String> query(String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = TestDatabase.admin();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
    }
    return rows;
  }
}
