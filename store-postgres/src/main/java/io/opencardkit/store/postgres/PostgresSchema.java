package io.opencardkit.store.postgres;

import io.opencardkit.core.store.StorageException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The tables of the PostgreSQL store, created and upgraded by Flyway from {@value #LOCATION}.
 * Flyway locks its history table while it migrates, so nodes that start together migrate once and
 * the others wait and find it done.
 */
final class PostgresSchema {
  static final String LOCATION = "classpath:db/opencardkit/postgresql";

  /**
   * Its own name, so that it never collides with an application's Flyway history in the same
   * schema.
   */
  static final String HISTORY_TABLE = "opencardkit_schema_history";

  private PostgresSchema() {}

  /**
   * Creates the schema if missing and applies every migration not applied yet.
   *
   * @throws StorageException when the database cannot be reached, a migration fails, or the schema
   *     was migrated by a newer release than this one
   */
  static void migrate(PostgresConfig config) {
    try {
      Flyway.configure(PostgresSchema.class.getClassLoader())
          .dataSource(
              PostgresConnections.dataSource(config, PostgresConnections.MIGRATION_APPLICATION))
          .schemas(config.schema())
          .defaultSchema(config.schema())
          .createSchemas(true)
          .table(HISTORY_TABLE)
          .locations(LOCATION)
          // A migration this build does not know was applied by a newer release: its tables may
          // mean what this
          // code does not expect, so refuse to start rather than write into them (Flyway's default
          // ignores it).
          .ignoreMigrationPatterns("")
          .load()
          .migrate();
    } catch (FlywayException e) {
      throw new StorageException(
          PostgresErrors.classifyCauses(e),
          "cannot migrate the PostgreSQL store " + config.redacted() + ": " + e.getMessage(),
          e);
    }
  }
}
