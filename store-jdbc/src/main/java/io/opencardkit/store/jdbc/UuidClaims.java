package io.opencardkit.store.jdbc;

import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.core.store.StorageException;
import io.opencardkit.core.store.StorageFailure;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The {@code message_uuids} table: which message a sender's IM {@code uuid} stands for. Writers
 * claim the uuid of every message they store that has one, in the same transaction, so that within
 * {@link MessageRecord#UUID_WINDOW_MILLIS} one message per sender and uuid is stored, whichever
 * node sends it.
 *
 * <p>Implementation notes: the claim is an upsert that takes the row only when it is this message's
 * already (an IM PATCH rewrites the message) or the earlier message is out of the window; otherwise
 * it changes no row and the batch is refused. Two nodes inserting the same new key: PostgreSQL
 * makes the second wait for the first's commit and then evaluates the condition against the
 * committed row, so exactly one of them is granted.
 */
public final class UuidClaims {
  public static final String CLAIM =
      "INSERT INTO message_uuids (sender_id, uuid, message_id, created_at) VALUES (?, ?, ?, ?)"
          + " ON CONFLICT (sender_id, uuid) DO UPDATE SET message_id = excluded.message_id, created_at = excluded.created_at"
          + " WHERE message_uuids.message_id = excluded.message_id"
          + " OR message_uuids.created_at <= excluded.created_at - "
          + MessageRecord.UUID_WINDOW_MILLIS;

  private UuidClaims() {}

  public static void bind(PreparedStatement ps, MessageRecord m) throws SQLException {
    ps.setString(1, m.senderId());
    ps.setString(2, m.uuid());
    ps.setString(3, m.messageId());
    ps.setLong(4, m.createdAtMillis());
  }

  /** The refusal of a batch whose message's uuid another message holds. */
  public static StorageException refused(MessageRecord m) {
    return new StorageException(
        StorageFailure.CONSTRAINT_VIOLATION,
        "uuid " + m.uuid() + " of " + m.senderId() + " was used by another message within the hour",
        null);
  }
}
