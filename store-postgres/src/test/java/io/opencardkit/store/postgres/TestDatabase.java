package io.opencardkit.store.postgres;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The local PostgreSQL service (127.0.0.1:5432, trust authentication, database {@code test}) and
 * the throw-away schemas a test class creates in it. Registered as a static extension, it drops
 * them after the class.
 */
final class TestDatabase implements AfterAllCallback {
  static final String URL = "postgresql://postgres@127.0.0.1:5432/test?pool=2";
  private static final String ADMIN_JDBC_URL = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final List<String> schemas = new ArrayList<>();

  /** A configuration on a schema no test has used: {@code okc_test_} and random hex. */
  PostgresConfig freshSchema() {
    return freshSchema(URL);
  }

  /** A configuration from {@code url} (say through a proxy) on a schema no test has used. */
  synchronized PostgresConfig freshSchema(String url) {
    byte[] bytes = new byte[8];
    RANDOM.nextBytes(bytes);
    String schema = "okc_test_" + HexFormat.of().formatHex(bytes);
    schemas.add(schema);
    return PostgresConfig.parse(url).withSchema(schema);
  }

  /** A connection of its own, outside any store, as an operator's psql would be. */
  static Connection admin() throws SQLException {
    return DriverManager.getConnection(ADMIN_JDBC_URL, "postgres", "");
  }

  @Override
  public void afterAll(ExtensionContext context) throws SQLException {
    dropSchemas();
  }

  private synchronized void dropSchemas() throws SQLException {
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      for (String schema : schemas) {
        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
    schemas.clear();
  }
}
