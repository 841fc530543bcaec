package io.opencardkit.store.sqlite;

import io.opencardkit.core.store.CardSnapshot;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.core.store.PendingDelivery;
import io.opencardkit.core.store.WriteBatch;
import io.opencardkit.store.jdbc.DeliveryRows;
import io.opencardkit.store.jdbc.JdbcRows;
import io.opencardkit.store.jdbc.StoreStatements;
import io.opencardkit.store.jdbc.UuidClaims;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/** The writer's prepared statements, prepared once and reused for every batch and transaction. */
final class BatchStatements implements AutoCloseable {
  private final Statement control;
  private final PreparedStatement insertEvent;
  private final PreparedStatement upsertSnapshot;
  private final PreparedStatement upsertMessage;
  private final PreparedStatement upsertMeta;
  private final PreparedStatement claimUuid;
  private final PreparedStatement insertDelivery;

  BatchStatements(Connection c) throws SQLException {
    control = c.createStatement();
    insertEvent = c.prepareStatement(StoreStatements.INSERT_EVENT);
    upsertSnapshot = c.prepareStatement(StoreStatements.UPSERT_SNAPSHOT);
    upsertMessage = c.prepareStatement(StoreStatements.UPSERT_MESSAGE);
    upsertMeta = c.prepareStatement(StoreStatements.UPSERT_META);
    claimUuid = c.prepareStatement(UuidClaims.CLAIM);
    insertDelivery = c.prepareStatement(DeliveryRows.INSERT);
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
      JdbcRows.bindEvent(insertEvent, batch.events().get(i), payloads.get(i));
      insertEvent.executeUpdate();
    }
    for (CardSnapshot s : batch.snapshots()) {
      JdbcRows.bindSnapshot(upsertSnapshot, s);
      upsertSnapshot.executeUpdate();
    }
    for (MessageRecord m : batch.messages()) {
      JdbcRows.bindMessage(upsertMessage, m);
      upsertMessage.executeUpdate();
      if (m.uuid() != null) {
        UuidClaims.bind(claimUuid, m);
        if (claimUuid.executeUpdate() == 0) {
          throw UuidClaims.refused(
              m); // the writer rolls back and retries the group's other batches alone
        }
      }
    }
    for (PendingDelivery d : batch.deliveries()) {
      DeliveryRows.bind(insertDelivery, d);
      insertDelivery.executeUpdate();
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
    claimUuid.close();
    insertDelivery.close();
    control.close();
  }
}
