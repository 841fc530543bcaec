package io.opencardkit.store.postgres;

import io.opencardkit.core.store.StorageException;
import io.opencardkit.core.store.StorageFailure;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The tables of the PostgreSQL store, created and upgraded by Flyway from {@value #LOCATION}. Flyway locks its
 * history table while it migrates, so nodes that start together migrate once and the others wait and find it done.
 */
final class PostgresSchema {
  static final String LOCATION = "classpath:db/opencardkit/postgresql";
  /** Its own name, so that it never collides with an application's Flyway history in the same schema. */
  static final String HISTORY_TABLE = "opencardkit_schema_history";

  private PostgresSchema() {}

  /**
   * Creates the schema if missing and applies every migration not applied yet.
   *
   * @throws StorageException when the database cannot be reached or a migration fails
   */
  static void migrate(PostgresConfig config) {
    try {
      Flyway.configure(PostgresSchema.class.getClassLoader())
          .dataSource(PostgresConnections.dataSource(config, PostgresConnections.MIGRATION_APPLICATION))
          .schemas(config.schema())
          .defaultSchema(config.schema())
          .createSchemas(true)
          .table(HISTORY_TABLE)
          .locations(LOCATION)
          .load()
          .migrate();
    } catch (FlywayException e) {
      throw new StorageException(failureOf(e), "cannot migrate the PostgreSQL store " + config.redacted() + ": "
          + e.getMessage(), e);
    }
  }

  /** The failure of the SQL error under Flyway's exception, if there is one. */
  private static StorageFailure failureOf(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException) {
        return PostgresErrors.classify((SQLException) t);
      }
    }
    return StorageFailure.OTHER;
  }
}
