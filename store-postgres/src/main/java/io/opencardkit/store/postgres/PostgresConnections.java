package io.opencardkit.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * How the store connects: the writer's own connection, the read pool, and the migration's
 * connections.
 */
final class PostgresConnections {
  /** Names the store's sessions in {@code pg_stat_activity}, so an operator can tell them apart. */
  static final String WRITER_APPLICATION = "opencardkit-writer";

  static final String READER_APPLICATION = "opencardkit-reader";
  static final String MIGRATION_APPLICATION = "opencardkit-migrate";

  // a reply slower than this is a hung network, not a slow query: the connection is dropped and the
  // call fails
  private static final int SOCKET_TIMEOUT_SECONDS = 60;
  private static final long MAX_VALIDATION_MILLIS = 5_000;

  private PostgresConnections() {}

  /**
   * A data source without a pool. The password travels as a property and the URL holds none, so
   * nothing that logs the URL (the driver, Flyway) can show it. Every connection works in the
   * configured schema.
   */
  static PGSimpleDataSource dataSource(PostgresConfig config, String applicationName) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {config.host()});
    ds.setPortNumbers(new int[] {config.port()});
    ds.setDatabaseName(config.database());
    ds.setUser(config.user());
    if (config.password() != null) {
      ds.setPassword(config.password());
    }
    ds.setCurrentSchema(config.schema());
    ds.setApplicationName(applicationName);
    ds.setConnectTimeout((int) Math.max(1, config.connectTimeout().toSeconds()));
    ds.setSocketTimeout(SOCKET_TIMEOUT_SECONDS);
    ds.setTcpKeepAlive(true);
    // never rewrite batches into multi-row INSERTs: the writer reads each head upsert's own update
    // count
    ds.setReWriteBatchedInserts(false);
    // error messages and logs must not quote rows ("Failing row contains ..."): a meta value may
    // hold app secrets
    ds.setLogServerErrorDetail(false);
    return ds;
  }

  /**
   * The connection that writes: transactions begun by JDBC (auto-commit off), and {@code
   * synchronous_commit} on whatever the server's default, so a COMMIT returns only once it is
   * flushed to the server's disk.
   */
  static Connection openWriter(PostgresConfig config) throws SQLException {
    Connection c = dataSource(config, WRITER_APPLICATION).getConnection();
    try (Statement s = c.createStatement()) {
      s.execute("SET synchronous_commit = on");
      c.setAutoCommit(false);
      return c;
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /**
   * The read pool. Its default isolation is REPEATABLE READ, which changes nothing for a single
   * query in auto-commit, and gives a read of several queries in one transaction (loading a card)
   * one consistent view.
   */
  static HikariDataSource openReadPool(PostgresConfig config) {
    HikariConfig pool = new HikariConfig();
    pool.setPoolName("opencardkit-read-" + config.schema());
    pool.setDataSource(dataSource(config, READER_APPLICATION));
    pool.setMaximumPoolSize(config.poolSize());
    pool.setConnectionTimeout(config.connectTimeout().toMillis());
    // Hikari wants the validation timeout no longer than the connection timeout
    pool.setValidationTimeout(Math.min(config.connectTimeout().toMillis(), MAX_VALIDATION_MILLIS));
    pool.setReadOnly(true);
    pool.setAutoCommit(true);
    pool.setTransactionIsolation("TRANSACTION_REPEATABLE_READ");
    return new HikariDataSource(pool);
  }
}
