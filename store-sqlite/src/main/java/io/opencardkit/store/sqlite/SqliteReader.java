package io.opencardkit.store.sqlite;

import io.opencardkit.core.engine.CardEvent;
import io.opencardkit.core.store.CardSnapshot;
import io.opencardkit.core.store.LoadedCard;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.core.store.StorageException;
import io.opencardkit.core.store.StorageFailure;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The queries, over a small pool of read-only connections. In WAL mode readers see the last committed state and
 * neither wait for the writer nor block it.
 */
final class SqliteReader implements AutoCloseable {
  private static final String SELECT_SNAPSHOT =
      "SELECT " + SqliteRows.SNAPSHOT_COLUMNS + " FROM card_snapshots WHERE card_id = ?";
  private static final String SELECT_EVENTS =
      "SELECT " + SqliteRows.EVENT_COLUMNS + " FROM card_events WHERE card_id = ? AND version > ?"
          + " ORDER BY version LIMIT ?";
  private static final String SELECT_MESSAGE =
      "SELECT " + SqliteRows.MESSAGE_COLUMNS + " FROM messages WHERE message_id = ?";
  private static final String SELECT_MESSAGE_BY_UUID =
      "SELECT " + SqliteRows.MESSAGE_COLUMNS + " FROM messages WHERE sender_id = ? AND uuid = ?"
          + " ORDER BY created_at DESC, message_id DESC LIMIT 1";
  private static final String SELECT_CHAT_ASC =
      "SELECT " + SqliteRows.MESSAGE_COLUMNS + " FROM messages WHERE chat_id = ? AND created_at BETWEEN ? AND ?"
          + " ORDER BY created_at, message_id LIMIT ? OFFSET ?";
  private static final String SELECT_CHAT_DESC =
      "SELECT " + SqliteRows.MESSAGE_COLUMNS + " FROM messages WHERE chat_id = ? AND created_at BETWEEN ? AND ?"
          + " ORDER BY created_at DESC, message_id DESC LIMIT ? OFFSET ?";
  private static final String SELECT_META = "SELECT value FROM meta WHERE key = ?";

  private final BlockingQueue<ReadConnection> idle;
  private volatile boolean closed;

  private SqliteReader(int size) {
    idle = new ArrayBlockingQueue<>(size);
  }

  /** Opens {@code size} read-only connections on {@code file}, whose schema must exist already. */
  static SqliteReader open(Path file, int size) throws SQLException {
    SqliteReader reader = new SqliteReader(size);
    try {
      for (int i = 0; i < size; i++) {
        reader.idle.add(new ReadConnection(SqliteSchema.openReader(file)));
      }
    } catch (SQLException e) {
      reader.close();
      throw e;
    }
    return reader;
  }

  Optional<LoadedCard> loadCard(String cardId) {
    return read("loadCard", c -> {
      // one read transaction, so the snapshot and the events come from the same committed state
      c.begin();
      try {
        CardSnapshot snapshot = c.query(SELECT_SNAPSHOT, ps -> ps.setString(1, cardId), SqliteRows::snapshot)
            .stream().findFirst().orElse(null);
        long after = snapshot == null ? 0 : snapshot.version();
        List<CardEvent> events = c.query(SELECT_EVENTS, ps -> {
          ps.setString(1, cardId);
          ps.setLong(2, after);
          ps.setLong(3, -1); // no limit
        }, SqliteRows::event);
        if (snapshot == null && events.isEmpty()) {
          return Optional.empty();
        }
        return Optional.of(new LoadedCard(snapshot, events));
      } finally {
        c.end();
      }
    });
  }

  List<CardEvent> events(String cardId, long afterVersion, int limit) {
    return read("events", c -> c.query(SELECT_EVENTS, ps -> {
      ps.setString(1, cardId);
      ps.setLong(2, afterVersion);
      ps.setLong(3, limit);
    }, SqliteRows::event));
  }

  Optional<MessageRecord> message(String messageId) {
    return read("message", c -> first(c.query(SELECT_MESSAGE, ps -> ps.setString(1, messageId),
        SqliteRows::message)));
  }

  Optional<MessageRecord> messageByUuid(String senderId, String uuid) {
    return read("messageByUuid", c -> first(c.query(SELECT_MESSAGE_BY_UUID, ps -> {
      ps.setString(1, senderId);
      ps.setString(2, uuid);
    }, SqliteRows::message)));
  }

  List<MessageRecord> messagesOfChat(
      String chatId, long startMillis, long endMillis, boolean ascending, int offset, int limit) {
    return read("messagesOfChat", c -> c.query(ascending ? SELECT_CHAT_ASC : SELECT_CHAT_DESC, ps -> {
      ps.setString(1, chatId);
      ps.setLong(2, startMillis);
      ps.setLong(3, endMillis);
      ps.setInt(4, limit);
      ps.setInt(5, offset);
    }, SqliteRows::message));
  }

  Optional<String> meta(String key) {
    return read("meta", c -> first(c.query(SELECT_META, ps -> ps.setString(1, key), rs -> rs.getString(1))));
  }

  private static <T> Optional<T> first(List<T> rows) {
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  private <T> T read(String what, Query<T> query) {
    ReadConnection c = borrow();
    try {
      return query.run(c);
    } catch (SQLException e) {
      throw SqliteErrors.wrap(what, e);
    } finally {
      if (closed) {
        c.closeQuietly();
      } else {
        idle.add(c);
      }
    }
  }

  private ReadConnection borrow() {
    try {
      while (true) {
        if (closed) {
          throw SqliteErrors.closed();
        }
        ReadConnection c = idle.poll(100, TimeUnit.MILLISECONDS);
        if (c != null) {
          return c;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException(StorageFailure.OTHER, "interrupted while waiting for a read connection", e);
    }
  }

  /** Closes the idle connections now and the borrowed ones when their query ends. */
  @Override
  public void close() {
    closed = true;
    ReadConnection c;
    while ((c = idle.poll()) != null) {
      c.closeQuietly();
    }
  }

  @FunctionalInterface
  private interface Query<T> {
    T run(ReadConnection c) throws SQLException;
  }

  @FunctionalInterface
  interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  @FunctionalInterface
  interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  /** One read-only connection with its prepared statements, used by one thread at a time. */
  private static final class ReadConnection {
    private final Connection connection;
    private final Map<String, PreparedStatement> prepared = new HashMap<>();

    ReadConnection(Connection connection) {
      this.connection = connection;
    }

    <T> List<T> query(String sql, Binder binder, RowMapper<T> mapper) throws SQLException {
      PreparedStatement ps = statement(sql);
      binder.bind(ps);
      List<T> rows = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(mapper.map(rs));
        }
      }
      return rows;
    }

    private PreparedStatement statement(String sql) throws SQLException {
      PreparedStatement ps = prepared.get(sql);
      if (ps == null) {
        ps = connection.prepareStatement(sql);
        prepared.put(sql, ps);
      }
      return ps;
    }

    void begin() throws SQLException {
      statement("BEGIN").execute();
    }

    /** Ends the read transaction, releasing its hold on the WAL whether or not the reads succeeded. */
    void end() throws SQLException {
      statement("COMMIT").execute();
    }

    void closeQuietly() {
      try {
        connection.close(); // closes its statements too
      } catch (SQLException ignored) {
        // nothing left to release
      }
    }
  }
}
