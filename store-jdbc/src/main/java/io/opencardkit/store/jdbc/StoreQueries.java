package io.opencardkit.store.jdbc;

import io.opencardkit.core.engine.CardEvent;
import io.opencardkit.core.store.CardSnapshot;
import io.opencardkit.core.store.LoadedCard;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.core.store.StoredImage;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * The reads of the storage port in SQL both adapters run unchanged. Each runs on the {@link
 * QueryRunner} the adapter gives it; the adapter decides the connection and, for {@link #loadCard},
 * the transaction around it.
 */
public final class StoreQueries {
  private static final String SELECT_SNAPSHOT =
      "SELECT " + JdbcRows.SNAPSHOT_COLUMNS + " FROM card_snapshots WHERE card_id = ?";
  private static final String SELECT_EVENTS_AFTER =
      "SELECT "
          + JdbcRows.EVENT_COLUMNS
          + " FROM card_events WHERE card_id = ? AND version > ? ORDER BY version";
  private static final String SELECT_EVENTS_PAGE = SELECT_EVENTS_AFTER + " LIMIT ?";
  private static final String SELECT_MESSAGE =
      "SELECT " + JdbcRows.MESSAGE_COLUMNS + " FROM messages WHERE message_id = ?";
  private static final String SELECT_MESSAGE_BY_UUID =
      "SELECT "
          + JdbcRows.MESSAGE_COLUMNS
          + " FROM messages WHERE sender_id = ? AND uuid = ?"
          + " ORDER BY created_at DESC, message_id DESC LIMIT 1";
  // message_id breaks ties of created_at, so pages never overlap or skip
  private static final String SELECT_CHAT_ASC =
      "SELECT "
          + JdbcRows.MESSAGE_COLUMNS
          + " FROM messages WHERE chat_id = ? AND created_at BETWEEN ? AND ?"
          + " ORDER BY created_at, message_id LIMIT ? OFFSET ?";
  private static final String SELECT_CHAT_DESC =
      "SELECT "
          + JdbcRows.MESSAGE_COLUMNS
          + " FROM messages WHERE chat_id = ? AND created_at BETWEEN ? AND ?"
          + " ORDER BY created_at DESC, message_id DESC LIMIT ? OFFSET ?";
  private static final String SELECT_META = "SELECT value FROM meta WHERE key = ?";
  private static final String SELECT_IMAGE =
      "SELECT " + JdbcRows.IMAGE_COLUMNS + " FROM images WHERE image_key = ?";

  private StoreQueries() {}

  /**
   * The newest snapshot and the events after it. Two queries: run them in one read transaction (a
   * consistent snapshot of the database) so that they see the same committed state.
   */
  public static Optional<LoadedCard> loadCard(QueryRunner q, String cardId) throws SQLException {
    CardSnapshot snapshot =
        first(q.list(SELECT_SNAPSHOT, ps -> ps.setString(1, cardId), JdbcRows::snapshot))
            .orElse(null);
    long after = snapshot == null ? 0 : snapshot.version();
    List<CardEvent> events =
        q.list(
            SELECT_EVENTS_AFTER,
            ps -> {
              ps.setString(1, cardId);
              ps.setLong(2, after);
            },
            JdbcRows::event);
    if (snapshot == null && events.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new LoadedCard(snapshot, events));
  }

  public static List<CardEvent> events(QueryRunner q, String cardId, long afterVersion, int limit)
      throws SQLException {
    return q.list(
        SELECT_EVENTS_PAGE,
        ps -> {
          ps.setString(1, cardId);
          ps.setLong(2, afterVersion);
          ps.setInt(3, limit);
        },
        JdbcRows::event);
  }

  public static Optional<MessageRecord> message(QueryRunner q, String messageId)
      throws SQLException {
    return first(q.list(SELECT_MESSAGE, ps -> ps.setString(1, messageId), JdbcRows::message));
  }

  public static Optional<MessageRecord> messageByUuid(QueryRunner q, String senderId, String uuid)
      throws SQLException {
    return first(
        q.list(
            SELECT_MESSAGE_BY_UUID,
            ps -> {
              ps.setString(1, senderId);
              ps.setString(2, uuid);
            },
            JdbcRows::message));
  }

  public static List<MessageRecord> messagesOfChat(
      QueryRunner q,
      String chatId,
      long startMillis,
      long endMillis,
      boolean ascending,
      int offset,
      int limit)
      throws SQLException {
    return q.list(
        ascending ? SELECT_CHAT_ASC : SELECT_CHAT_DESC,
        ps -> {
          ps.setString(1, chatId);
          ps.setLong(2, startMillis);
          ps.setLong(3, endMillis);
          ps.setInt(4, limit);
          ps.setInt(5, offset);
        },
        JdbcRows::message);
  }

  public static Optional<String> meta(QueryRunner q, String key) throws SQLException {
    return first(q.list(SELECT_META, ps -> ps.setString(1, key), rs -> rs.getString(1)));
  }

  public static Optional<StoredImage> image(QueryRunner q, String imageKey) throws SQLException {
    return first(q.list(SELECT_IMAGE, ps -> ps.setString(1, imageKey), JdbcRows::image));
  }

  private static <T> Optional<T> first(List<T> rows) {
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }
}
