package io.opencardkit.bench;

import io.opencardkit.store.postgres.PostgresConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * What a benchmark does to PostgreSQL from outside the server: give each run a schema of its own
 * and drop it afterwards, and read the server's own counters (committed transactions, WAL flushes),
 * which count every node's work without asking the nodes.
 */
public final class PostgresAdmin {
  /** Prefix of every schema a benchmark makes; a leftover one is safe to drop. */
  public static final String SCHEMA_PREFIX = "okc_bench_";

  private PostgresAdmin() {}

  /** Whether {@code store} names PostgreSQL rather than the embedded SQLite store. */
  public static boolean isPostgres(String store) {
    return store != null && (store.startsWith("postgresql://") || store.startsWith("postgres://"));
  }

  /**
   * {@code url} with a new schema {@code okc_bench_<hex>} of its own.
   *
   * @throws IllegalArgumentException if the URL names a schema already: a benchmark drops its
   *     schema at the end, so it never runs in one it did not make
   */
  public static String withFreshSchema(String url) {
    String redacted =
        PostgresConfig.parse(url).redacted(); // also checks the URL before anything starts
    if (url.contains("schema=")) {
      throw new IllegalArgumentException(
          "leave the schema out of "
              + redacted
              + ": each run makes a schema of its own and drops it afterwards");
    }
    return url
        + (url.contains("?") ? "&" : "?")
        + "schema="
        + SCHEMA_PREFIX
        + ChatsSeed.randomHex(6);
  }

  /** Drops the URL's schema and everything in it, if it is one a benchmark made. */
  public static void dropSchema(String url) {
    String schema = PostgresConfig.parse(url).schema();
    if (!schema.startsWith(SCHEMA_PREFIX)) {
      throw new IllegalArgumentException("not a benchmark's schema: " + schema);
    }
    try (Connection c = connect(url);
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      System.err.println("could not drop schema " + schema + ": " + e.getMessage());
    }
  }

  /**
   * The server's counters at one moment.
   *
   * @param transactionsCommitted {@code pg_stat_database.xact_commit} of the URL's database: every
   *     client's committed transactions there, reads included, so an upper bound of this run's
   *     writes
   * @param walFlushes {@code pg_stat_wal.wal_sync}: WAL fsyncs of the whole PostgreSQL server
   * @param walBytes {@code pg_stat_wal.wal_bytes}
   */
  public record Counters(long transactionsCommitted, long walFlushes, long walBytes) {
    /** {@code this − before}, field by field. */
    public Counters minus(Counters before) {
      return new Counters(
          transactionsCommitted - before.transactionsCommitted,
          walFlushes - before.walFlushes,
          walBytes - before.walBytes);
    }
  }

  /**
   * Reads the counters. PostgreSQL's backends report their statistics at most about once a second,
   * so a window of tens of seconds is off by at most a second's worth at each end.
   */
  public static Counters counters(String url) {
    try (Connection c = connect(url);
        Statement s = c.createStatement()) {
      // read current values, not a snapshot cached in this transaction
      s.execute("SELECT pg_stat_clear_snapshot()");
      long commits;
      try (ResultSet r =
          s.executeQuery(
              "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")) {
        r.next();
        commits = r.getLong(1);
      }
      try (ResultSet r = s.executeQuery("SELECT wal_sync, wal_bytes FROM pg_stat_wal")) {
        r.next();
        return new Counters(commits, r.getLong(1), r.getLong(2));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read PostgreSQL's statistics: " + e.getMessage(), e);
    }
  }

  private static Connection connect(String url) throws SQLException {
    PostgresConfig config = PostgresConfig.parse(url);
    Properties credentials = new Properties();
    credentials.setProperty("user", config.user());
    if (config.password() != null) {
      credentials.setProperty("password", config.password());
    }
    String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
    return DriverManager.getConnection(
        "jdbc:postgresql://" + host + ":" + config.port() + "/" + config.database(), credentials);
  }
}
