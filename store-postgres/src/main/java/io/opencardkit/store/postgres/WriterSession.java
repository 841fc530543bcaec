package io.opencardkit.store.postgres;

import io.opencardkit.core.store.CardSnapshot;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.core.store.PendingDelivery;
import io.opencardkit.core.store.WriteBatch;
import io.opencardkit.store.jdbc.DeliveryRows;
import io.opencardkit.store.jdbc.GroupCommitLoop.QueuedBatch;
import io.opencardkit.store.jdbc.JdbcRows;
import io.opencardkit.store.jdbc.StoreStatements;
import io.opencardkit.store.jdbc.UuidClaims;
import io.opencardkit.store.postgres.HeadClaims.Claim;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.postgresql.PGConnection;

/**
 * One live writer connection with its prepared statements; replaced as a whole when the connection
 * breaks.
 */
final class WriterSession implements AutoCloseable {
  // granted (count 1) only while the stored head is below the batch's lowest version; see
  // HeadClaims
  private static final String CLAIM_HEAD =
      "INSERT INTO cards (card_id, version, last_at) VALUES (?, ?, ?)"
          + " ON CONFLICT (card_id) DO UPDATE SET version = EXCLUDED.version, last_at = EXCLUDED.last_at"
          + " WHERE cards.version < ?";

  private static final Comparator<CardSnapshot> SNAPSHOT_LOCK_ORDER =
      Comparator.comparing(CardSnapshot::cardId);
  private static final Comparator<MessageRecord> MESSAGE_LOCK_ORDER =
      Comparator.comparing(MessageRecord::messageId);
  private static final Comparator<MessageRecord> UUID_LOCK_ORDER =
      Comparator.comparing(MessageRecord::senderId).thenComparing(MessageRecord::uuid);

  private final Connection connection;
  private final int backendPid;
  private final PreparedStatement claimHead;
  private final PreparedStatement insertEvent;
  private final PreparedStatement upsertSnapshot;
  private final PreparedStatement upsertMessage;
  private final PreparedStatement upsertMeta;
  private final PreparedStatement claimUuid;
  private final PreparedStatement insertDelivery;

  private WriterSession(Connection c) throws SQLException {
    connection = c;
    backendPid = c.unwrap(PGConnection.class).getBackendPID();
    claimHead = c.prepareStatement(CLAIM_HEAD);
    insertEvent = c.prepareStatement(StoreStatements.INSERT_EVENT);
    upsertSnapshot = c.prepareStatement(StoreStatements.UPSERT_SNAPSHOT);
    upsertMessage = c.prepareStatement(StoreStatements.UPSERT_MESSAGE);
    upsertMeta = c.prepareStatement(StoreStatements.UPSERT_META);
    claimUuid = c.prepareStatement(UuidClaims.CLAIM);
    insertDelivery = c.prepareStatement(DeliveryRows.INSERT);
  }

  static WriterSession open(PostgresConfig config) throws SQLException {
    Connection c = PostgresConnections.openWriter(config);
    try {
      return new WriterSession(c);
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  Connection connection() {
    return connection;
  }

  /** The server process serving this session (what {@code pg_stat_activity.pid} shows). */
  int backendPid() {
    return backendPid;
  }

  /**
   * Runs the head upserts of {@code claims}, in their (lock) order, as one JDBC batch; returns each
   * one's count.
   */
  int[] claimHeads(List<Claim> claims) throws SQLException {
    if (claims.isEmpty()) {
      return new int[0];
    }
    for (Claim c : claims) {
      claimHead.setString(1, c.cardId());
      claimHead.setLong(2, c.maxVersion());
      claimHead.setLong(3, c.lastAtMillis());
      claimHead.setLong(4, c.minVersion());
      claimHead.addBatch();
    }
    return claimHead.executeBatch();
  }

  /**
   * Writes every row of the accepted batches, one JDBC batch per statement. Upserts go in key order
   * (stable, so the last write of a key wins) for the same reason heads do: concurrent transactions
   * lock rows in one order.
   */
  void writeRows(List<QueuedBatch> accepted) throws SQLException {
    List<CardSnapshot> snapshots = new ArrayList<>();
    List<MessageRecord> messages = new ArrayList<>();
    List<Map.Entry<String, String>> meta = new ArrayList<>();
    List<PendingDelivery> deliveries = new ArrayList<>();
    for (QueuedBatch job : accepted) {
      WriteBatch batch = job.batch();
      for (int i = 0; i < batch.events().size(); i++) {
        JdbcRows.bindEvent(insertEvent, batch.events().get(i), job.payloads().get(i));
        insertEvent.addBatch();
      }
      snapshots.addAll(batch.snapshots());
      messages.addAll(batch.messages());
      meta.addAll(batch.meta().entrySet());
      deliveries.addAll(batch.deliveries());
    }
    snapshots.sort(SNAPSHOT_LOCK_ORDER);
    messages.sort(MESSAGE_LOCK_ORDER);
    meta.sort(Map.Entry.comparingByKey());
    for (CardSnapshot s : snapshots) {
      JdbcRows.bindSnapshot(upsertSnapshot, s);
      upsertSnapshot.addBatch();
    }
    for (MessageRecord m : messages) {
      JdbcRows.bindMessage(upsertMessage, m);
      upsertMessage.addBatch();
    }
    for (Map.Entry<String, String> e : meta) {
      upsertMeta.setString(1, e.getKey());
      upsertMeta.setString(2, e.getValue());
      upsertMeta.addBatch();
    }
    // events need no order of their own: inserting a card's events requires its head row, locked
    // just before
    insertEvent.executeBatch();
    upsertSnapshot.executeBatch();
    upsertMessage.executeBatch();
    upsertMeta.executeBatch();
    claimUuids(messages);
    for (PendingDelivery d : deliveries) {
      DeliveryRows.bind(insertDelivery, d);
      insertDelivery.addBatch();
    }
    insertDelivery.executeBatch();
  }

  /**
   * Claims the uuid of every message that has one, in key order (locks again); a claim another
   * message holds refuses the transaction, and the writer then commits the group's batches alone so
   * that only the duplicate fails.
   */
  private void claimUuids(List<MessageRecord> messages) throws SQLException {
    List<MessageRecord> withUuid = new ArrayList<>();
    for (MessageRecord m : messages) {
      if (m.uuid() != null) {
        withUuid.add(m);
      }
    }
    if (withUuid.isEmpty()) {
      return;
    }
    withUuid.sort(UUID_LOCK_ORDER);
    for (MessageRecord m : withUuid) {
      UuidClaims.bind(claimUuid, m);
      claimUuid.addBatch();
    }
    int[] counts = claimUuid.executeBatch();
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] == 0) {
        throw UuidClaims.refused(withUuid.get(i));
      }
    }
  }

  /**
   * Commits; with {@code synchronous_commit=on} this returns once the commit record is flushed to
   * disk.
   */
  void commit() throws SQLException {
    connection.commit();
  }

  void rollback() throws SQLException {
    connection.rollback();
  }

  /**
   * Rolls back and forgets what was added to the batches; a failure here leaves nothing worse than
   * before.
   */
  void rollbackQuietly() {
    try {
      clearBatches();
      connection.rollback();
    } catch (SQLException ignored) {
      // the transaction is gone with the error that brought us here; that error is the one reported
    }
  }

  /** Whether the driver has given the connection up (a fatal error, or the socket closed). */
  boolean isBroken() {
    try {
      return connection.isClosed();
    } catch (SQLException e) {
      return true;
    }
  }

  private void clearBatches() throws SQLException {
    claimHead.clearBatch();
    insertEvent.clearBatch();
    upsertSnapshot.clearBatch();
    upsertMessage.clearBatch();
    upsertMeta.clearBatch();
    claimUuid.clearBatch();
    insertDelivery.clearBatch();
  }

  @Override
  public void close() {
    try {
      connection.close(); // closes its statements too
    } catch (SQLException ignored) {
      // nothing left to release
    }
  }
}
