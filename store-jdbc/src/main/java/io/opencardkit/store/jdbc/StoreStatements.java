package io.opencardkit.store.jdbc;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The writes both SQL adapters run unchanged over the same tables: standard SQL plus the {@code ON
 * CONFLICT} upsert that SQLite (3.24+) and PostgreSQL share. Parameters are bound with {@link
 * JdbcRows}, in column order; the reads are in {@link StoreQueries}.
 */
public final class StoreStatements {
  public static final String INSERT_EVENT =
      "INSERT INTO card_events ("
          + JdbcRows.EVENT_COLUMNS
          + ") VALUES "
          + placeholders(JdbcRows.EVENT_COLUMNS);

  /** Keeps the newest snapshot: an older one written late must not replace it. */
  public static final String UPSERT_SNAPSHOT =
      "INSERT INTO card_snapshots ("
          + JdbcRows.SNAPSHOT_COLUMNS
          + ") VALUES "
          + placeholders(JdbcRows.SNAPSHOT_COLUMNS)
          + " ON CONFLICT (card_id) DO UPDATE SET version = excluded.version, state = excluded.state"
          + " WHERE excluded.version >= card_snapshots.version";

  /** Inserts a message or replaces every column of the one with its id (an IM PATCH). */
  public static final String UPSERT_MESSAGE =
      "INSERT INTO messages ("
          + JdbcRows.MESSAGE_COLUMNS
          + ") VALUES "
          + placeholders(JdbcRows.MESSAGE_COLUMNS)
          + " ON CONFLICT (message_id) DO UPDATE SET "
          + assignExcluded(JdbcRows.MESSAGE_COLUMNS, "message_id");

  public static final String UPSERT_META =
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value";

  /**
   * An uploaded image; a key stored twice violates the primary key (keys are random: it never
   * happens in use).
   */
  public static final String INSERT_IMAGE =
      "INSERT INTO images ("
          + JdbcRows.IMAGE_COLUMNS
          + ") VALUES "
          + placeholders(JdbcRows.IMAGE_COLUMNS);

  private StoreStatements() {}

  private static String placeholders(String columns) {
    return "("
        + Arrays.stream(columns.split(",")).map(c -> "?").collect(Collectors.joining(", "))
        + ")";
  }

  private static String assignExcluded(String columns, String key) {
    return Arrays.stream(columns.split(","))
        .map(String::trim)
        .filter(c -> !c.equals(key))
        .map(c -> c + " = excluded." + c)
        .collect(Collectors.joining(", "));
  }
}
