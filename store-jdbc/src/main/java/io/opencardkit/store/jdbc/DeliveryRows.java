package io.opencardkit.store.jdbc;

import io.opencardkit.core.store.PendingDelivery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code bot_deliveries} table both SQL adapters share, and the lease operations of the {@link
 * io.opencardkit.core.store.DeliveryStore} port over it. Each operation runs on the writer's
 * connection inside the writer's transaction.
 *
 * <p>Implementation notes: a lease is taken by a conditional UPDATE ({@code ... WHERE lease is free
 * or expired}), one row at a time, so two nodes asking at once never both get a row: PostgreSQL's
 * second UPDATE waits for the first one's row lock, then re-checks its condition against the row
 * the first one left (READ COMMITTED), and SQLite has one writer at a time anyway. Every change a
 * holder makes names the holder in its condition, so a node whose lease was taken over can no
 * longer touch the row.
 */
public final class DeliveryRows {
  public static final String COLUMNS =
      "event_id, app_id, payload, failed_attempts, due_at, lease_owner, lease_until, created_at";

  public static final String INSERT =
      "INSERT INTO bot_deliveries (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

  private static final String FREE = "(lease_owner IS NULL OR lease_until <= ?)";
  private static final String SELECT_CLAIMABLE =
      "SELECT event_id FROM bot_deliveries WHERE due_at <= ? AND "
          + FREE
          + " ORDER BY due_at, event_id LIMIT ?";
  private static final String TAKE =
      "UPDATE bot_deliveries SET lease_owner = ?, lease_until = ? WHERE event_id = ? AND due_at <= ? AND "
          + FREE;
  private static final String SELECT_ONE =
      "SELECT " + COLUMNS + " FROM bot_deliveries WHERE event_id = ?";
  private static final String DELETE_HELD =
      "DELETE FROM bot_deliveries WHERE event_id = ? AND lease_owner = ?";
  private static final String RESCHEDULE =
      "UPDATE bot_deliveries SET failed_attempts = ?, due_at = ?, lease_owner = NULL, lease_until = 0"
          + " WHERE event_id = ? AND lease_owner = ?";
  private static final String RELEASE_OF =
      "UPDATE bot_deliveries SET lease_owner = NULL, lease_until = 0 WHERE lease_owner = ?";
  private static final String RELEASE_ALL =
      "UPDATE bot_deliveries SET lease_owner = NULL, lease_until = 0 WHERE lease_owner IS NOT NULL";
  private static final String SELECT_ALL =
      "SELECT " + COLUMNS + " FROM bot_deliveries ORDER BY due_at, event_id";

  private DeliveryRows() {}

  public static void bind(PreparedStatement ps, PendingDelivery d) throws SQLException {
    ps.setString(1, d.eventId());
    ps.setString(2, d.appId());
    ps.setString(3, d.payload());
    ps.setInt(4, d.failedAttempts());
    ps.setLong(5, d.dueAtMillis());
    ps.setString(6, d.leaseOwner());
    ps.setLong(7, d.leaseUntilMillis());
    ps.setLong(8, d.createdAtMillis());
  }

  public static PendingDelivery read(ResultSet rs) throws SQLException {
    return new PendingDelivery(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getInt(4),
        rs.getLong(5),
        rs.getString(6),
        rs.getLong(7),
        rs.getLong(8));
  }

  static List<PendingDelivery> claimDue(
      Connection c, String owner, long now, long leaseUntil, int limit) throws SQLException {
    List<String> candidates = new ArrayList<>();
    try (PreparedStatement q = c.prepareStatement(SELECT_CLAIMABLE)) {
      q.setLong(1, now);
      q.setLong(2, now);
      q.setInt(3, limit);
      candidates.addAll(QueryRunner.rows(q, rs -> rs.getString(1)));
    }
    List<PendingDelivery> claimed = new ArrayList<>();
    try (PreparedStatement take = c.prepareStatement(TAKE);
        PreparedStatement one = c.prepareStatement(SELECT_ONE)) {
      for (String eventId : candidates) {
        take.setString(1, owner);
        take.setLong(2, leaseUntil);
        take.setString(3, eventId);
        take.setLong(4, now);
        take.setLong(5, now);
        if (take.executeUpdate() == 1) {
          one.setString(1, eventId);
          claimed.addAll(QueryRunner.rows(one, DeliveryRows::read));
        }
      }
    }
    return claimed;
  }

  static boolean finish(Connection c, String eventId, String owner) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(DELETE_HELD)) {
      ps.setString(1, eventId);
      ps.setString(2, owner);
      return ps.executeUpdate() == 1;
    }
  }

  static boolean retryLater(
      Connection c, String eventId, String owner, int failedAttempts, long dueAt)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(RESCHEDULE)) {
      ps.setInt(1, failedAttempts);
      ps.setLong(2, dueAt);
      ps.setString(3, eventId);
      ps.setString(4, owner);
      return ps.executeUpdate() == 1;
    }
  }

  static int release(Connection c, String owner) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(owner == null ? RELEASE_ALL : RELEASE_OF)) {
      if (owner != null) {
        ps.setString(1, owner);
      }
      return ps.executeUpdate();
    }
  }

  static List<PendingDelivery> all(QueryRunner q) throws SQLException {
    return q.list(SELECT_ALL, ps -> {}, DeliveryRows::read);
  }
}
