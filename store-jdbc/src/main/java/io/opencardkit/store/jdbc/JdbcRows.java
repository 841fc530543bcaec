package io.opencardkit.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.Json;
import io.opencardkit.core.engine.CardEvent;
import io.opencardkit.core.engine.EventType;
import io.opencardkit.core.store.CardSnapshot;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.core.store.StorageException;
import io.opencardkit.core.store.StorageFailure;
import io.opencardkit.core.store.StoredImage;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The column lists of the rows both SQL adapters store, and how records are bound to and read from
 * them; one place for both directions and both databases. Only the JDK's {@code java.sql} is used,
 * no driver.
 */
public final class JdbcRows {
  public static final String EVENT_COLUMNS =
      "card_id, version, type, at_millis, app_id, sequence, uuid, fingerprint, payload";

  public static final String MESSAGE_COLUMNS =
      "message_id, chat_id, sender_id, sender_type, msg_type, content, card_id, root_id, parent_id, uuid,"
          + " created_at, updated_at";

  public static final String SNAPSHOT_COLUMNS = "card_id, version, state";

  public static final String IMAGE_COLUMNS =
      "image_key, app_id, mime_type, width, height, bytes, created_at";

  private JdbcRows() {}

  /**
   * Binds an event; {@code payloadJson} is its payload already serialized (by the committing
   * thread).
   */
  public static void bindEvent(PreparedStatement ps, CardEvent e, String payloadJson)
      throws SQLException {
    ps.setString(1, e.cardId());
    ps.setLong(2, e.version());
    ps.setString(3, e.type().wireName());
    ps.setLong(4, e.atMillis());
    ps.setString(5, e.appId());
    ps.setInt(6, e.sequence());
    ps.setString(7, e.uuid());
    ps.setString(8, e.fingerprint());
    ps.setString(9, payloadJson);
  }

  public static CardEvent event(ResultSet rs) throws SQLException {
    return new CardEvent(
        rs.getString(1),
        rs.getLong(2),
        EventType.fromWireName(rs.getString(3)),
        rs.getLong(4),
        rs.getString(5),
        rs.getInt(6),
        rs.getString(7),
        rs.getString(8),
        payload(rs.getString(9)));
  }

  public static void bindSnapshot(PreparedStatement ps, CardSnapshot s) throws SQLException {
    ps.setString(1, s.cardId());
    ps.setLong(2, s.version());
    ps.setString(3, s.stateJson());
  }

  public static CardSnapshot snapshot(ResultSet rs) throws SQLException {
    return new CardSnapshot(rs.getString(1), rs.getLong(2), rs.getString(3));
  }

  public static void bindMessage(PreparedStatement ps, MessageRecord m) throws SQLException {
    ps.setString(1, m.messageId());
    ps.setString(2, m.chatId());
    ps.setString(3, m.senderId());
    ps.setString(4, m.senderType());
    ps.setString(5, m.msgType());
    ps.setString(6, m.content());
    ps.setString(7, m.cardId());
    ps.setString(8, m.rootId());
    ps.setString(9, m.parentId());
    ps.setString(10, m.uuid());
    ps.setLong(11, m.createdAtMillis());
    ps.setLong(12, m.updatedAtMillis());
  }

  public static MessageRecord message(ResultSet rs) throws SQLException {
    return new MessageRecord(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6),
        rs.getString(7),
        rs.getString(8),
        rs.getString(9),
        rs.getString(10),
        rs.getLong(11),
        rs.getLong(12));
  }

  public static void bindImage(PreparedStatement ps, StoredImage image) throws SQLException {
    ps.setString(1, image.imageKey());
    ps.setString(2, image.appId());
    ps.setString(3, image.mimeType());
    ps.setInt(4, image.width());
    ps.setInt(5, image.height());
    ps.setBytes(6, image.bytes());
    ps.setLong(7, image.createdAtMillis());
  }

  public static StoredImage image(ResultSet rs) throws SQLException {
    return new StoredImage(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getInt(4),
        rs.getInt(5),
        rs.getBytes(6),
        rs.getLong(7));
  }

  private static ObjectNode payload(String json) {
    try {
      JsonNode node = Json.MAPPER.readTree(json);
      if (node instanceof ObjectNode) {
        return (ObjectNode) node;
      }
    } catch (JsonProcessingException e) {
      throw new StorageException(StorageFailure.OTHER, "stored event payload is not JSON", e);
    }
    throw new StorageException(
        StorageFailure.OTHER, "stored event payload is not a JSON object", null);
  }
}
