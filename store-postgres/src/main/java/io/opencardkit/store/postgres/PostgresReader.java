package io.opencardkit.store.postgres;

import com.zaxxer.hikari.HikariDataSource;
import io.opencardkit.core.engine.CardEvent;
import io.opencardkit.core.store.LoadedCard;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.core.store.jdbc.QueryRunner;
import io.opencardkit.core.store.jdbc.StoreQueries;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The queries, over the read pool. Reads see what is committed, by any node. While the database is unreachable
 * they fail within the connect timeout with CONNECTION_LOST; the pool replaces broken connections by itself.
 */
final class PostgresReader implements AutoCloseable {
  private final HikariDataSource pool;
  private volatile boolean closed;

  PostgresReader(HikariDataSource pool) {
    this.pool = pool;
  }

  Optional<LoadedCard> loadCard(String cardId) {
    return read("loadCard", c -> {
      // one transaction of the pool's REPEATABLE READ, so the snapshot and the events are of one committed state
      c.setAutoCommit(false);
      Optional<LoadedCard> card = StoreQueries.loadCard(runner(c), cardId);
      c.commit();
      return card; // the pool turns auto-commit back on when the connection returns
    });
  }

  List<CardEvent> events(String cardId, long afterVersion, int limit) {
    return read("events", c -> StoreQueries.events(runner(c), cardId, afterVersion, limit));
  }

  Optional<MessageRecord> message(String messageId) {
    return read("message", c -> StoreQueries.message(runner(c), messageId));
  }

  Optional<MessageRecord> messageByUuid(String senderId, String uuid) {
    return read("messageByUuid", c -> StoreQueries.messageByUuid(runner(c), senderId, uuid));
  }

  List<MessageRecord> messagesOfChat(
      String chatId, long startMillis, long endMillis, boolean ascending, int offset, int limit) {
    return read("messagesOfChat",
        c -> StoreQueries.messagesOfChat(runner(c), chatId, startMillis, endMillis, ascending, offset, limit));
  }

  Optional<String> meta(String key) {
    return read("meta", c -> StoreQueries.meta(runner(c), key));
  }

  private <T> T read(String what, Query<T> query) {
    if (closed) {
      throw PostgresErrors.closed();
    }
    try (Connection c = pool.getConnection()) {
      return query.run(c);
    } catch (SQLException e) {
      throw closed ? PostgresErrors.closed() : PostgresErrors.wrap(what, e);
    }
  }

  /**
   * Statements are prepared per query and closed after it; the driver keeps the server-side plan of a statement
   * it has seen often on that connection, so nothing is gained by caching them here.
   */
  private static QueryRunner runner(Connection c) {
    return new QueryRunner() {
      @Override
      public <T> List<T> list(String sql, Binder binder, RowMapper<T> mapper) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          binder.bind(ps);
          List<T> rows = new ArrayList<>();
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              rows.add(mapper.map(rs));
            }
          }
          return rows;
        }
      }
    };
  }

  /** Closes the pool; queries in flight finish or fail, later ones fail as closed. */
  @Override
  public void close() {
    closed = true;
    pool.close();
  }

  @FunctionalInterface
  private interface Query<T> {
    T run(Connection c) throws SQLException;
  }
}
