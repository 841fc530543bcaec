package io.opencardkit.server.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The local PostgreSQL service for tests: {@value #URL} unless the system property {@code
 * okc.test.postgresql} names another. Every user of it gets a fresh schema, dropped when done, so
 * runs never see each other's data.
 */
public final class TestPostgres {
  public static final String URL = "postgresql://postgres@127.0.0.1:5432/test";

  /**
   * Set (to a {@code postgresql://} URL) to run the server tests on PostgreSQL instead of SQLite.
   */
  public static final String STORE_PROPERTY = "okc.test.store";

  private TestPostgres() {}

  /** The base URL (no schema). */
  public static String url() {
    return System.getProperty("okc.test.postgresql", URL);
  }

  /**
   * The store the server tests run on: a PostgreSQL URL, or {@code null} for the embedded SQLite.
   */
  public static String storeUnderTest() {
    String store = System.getProperty(STORE_PROPERTY);
    return store == null || store.isBlank() ? null : store;
  }

  /** A new schema name, e.g. {@code okc_t_3f9c0a12be45}. */
  public static String newSchema() {
    byte[] b = new byte[6];
    ThreadLocalRandom.current().nextBytes(b);
    return "okc_t_" + HexFormat.of().formatHex(b);
  }

  /** {@code base} with {@code ?schema=…} (or {@code &schema=…}). */
  public static String withSchema(String base, String schema) {
    return base + (base.contains("?") ? "&" : "?") + "schema=" + schema;
  }

  /** Drops a schema and everything in it; quietly does nothing when it does not exist. */
  public static void dropSchema(String base, String schema) {
    String rest = base.substring(base.indexOf("://") + 3);
    String user =
        rest.contains("@") ? rest.substring(0, rest.indexOf('@')).split(":")[0] : "postgres";
    String hostAndDb = rest.contains("@") ? rest.substring(rest.indexOf('@') + 1) : rest;
    if (hostAndDb.contains("?")) {
      hostAndDb = hostAndDb.substring(0, hostAndDb.indexOf('?'));
    }
    try (Connection c =
            DriverManager.getConnection("jdbc:postgresql://" + hostAndDb + "?user=" + user);
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot drop test schema " + schema + ": " + e.getMessage(), e);
    }
  }
}
