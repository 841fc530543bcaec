package io.opencardkit.store.sqlite;

import io.opencardkit.core.store.CardSnapshot;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.core.store.WriteBatch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/** The writer's prepared statements, prepared once and reused for every batch and transaction. */
final class BatchStatements implements AutoCloseable {
  private static final String INSERT_EVENT =
      "INSERT INTO card_events (" + SqliteRows.EVENT_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

  // keeps the newest snapshot: an older one written late must not replace it
  private static final String UPSERT_SNAPSHOT =
      "INSERT INTO card_snapshots (" + SqliteRows.SNAPSHOT_COLUMNS + ") VALUES (?, ?, ?)"
          + " ON CONFLICT (card_id) DO UPDATE SET version = excluded.version, state = excluded.state"
          + " WHERE excluded.version >= card_snapshots.version";

  private static final String UPSERT_MESSAGE =
      "INSERT OR REPLACE INTO messages (" + SqliteRows.MESSAGE_COLUMNS + ")"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  private static final String UPSERT_META =
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value";

  private final Statement control;
  private final PreparedStatement insertEvent;
  private final PreparedStatement upsertSnapshot;
  private final PreparedStatement upsertMessage;
  private final PreparedStatement upsertMeta;

  BatchStatements(Connection c) throws SQLException {
    control = c.createStatement();
    insertEvent = c.prepareStatement(INSERT_EVENT);
    upsertSnapshot = c.prepareStatement(UPSERT_SNAPSHOT);
    upsertMessage = c.prepareStatement(UPSERT_MESSAGE);
    upsertMeta = c.prepareStatement(UPSERT_META);
  }

  void begin() throws SQLException {
    control.execute("BEGIN IMMEDIATE");
  }

  /** Commits; with {@code synchronous=FULL} this returns once the WAL is fsynced. */
  void commit() throws SQLException {
    control.execute("COMMIT");
  }

  /** Rolls back the open transaction, if any; a failure here leaves nothing worse than before. */
  void rollbackQuietly() {
    try {
      control.execute("ROLLBACK");
    } catch (SQLException ignored) {
      // no transaction was open: SQLite had already rolled it back after the error
    }
  }

  /** Writes every row of a batch inside the open transaction. */
  void write(WriteBatch batch, List<String> payloads) throws SQLException {
    for (int i = 0; i < batch.events().size(); i++) {
      SqliteRows.bindEvent(insertEvent, batch.events().get(i), payloads.get(i));
      insertEvent.executeUpdate();
    }
    for (CardSnapshot s : batch.snapshots()) {
      SqliteRows.bindSnapshot(upsertSnapshot, s);
      upsertSnapshot.executeUpdate();
    }
    for (MessageRecord m : batch.messages()) {
      SqliteRows.bindMessage(upsertMessage, m);
      upsertMessage.executeUpdate();
    }
    for (Map.Entry<String, String> e : batch.meta().entrySet()) {
      upsertMeta.setString(1, e.getKey());
      upsertMeta.setString(2, e.getValue());
      upsertMeta.executeUpdate();
    }
  }

  @Override
  public void close() throws SQLException {
    insertEvent.close();
    upsertSnapshot.close();
    upsertMessage.close();
    upsertMeta.close();
    control.close();
  }
}
