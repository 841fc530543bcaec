package io.opencardkit.store.postgres;

import com.zaxxer.hikari.HikariDataSource;
import io.opencardkit.store.jdbc.QueryRunner;
import io.opencardkit.store.jdbc.SqlCardStore;
import io.opencardkit.store.jdbc.SqlCardStore.ReadWork;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * The queries, over the read pool. Reads see what is committed, by any node. While the database is
 * unreachable they fail within the connect timeout with CONNECTION_LOST; the pool replaces broken
 * connections by itself.
 */
final class PostgresReader implements SqlCardStore.Reads {
  private final HikariDataSource pool;
  private volatile boolean closed;

  PostgresReader(HikariDataSource pool) {
    this.pool = pool;
  }

  @Override
  public <T> T read(String what, boolean consistent, ReadWork<T> work) {
    if (closed) {
      throw PostgresErrors.closed();
    }
    try (Connection c = pool.getConnection()) {
      if (!consistent) {
        return work.run(runner(c));
      }
      // one transaction of the pool's REPEATABLE READ: every query sees the same committed state
      c.setAutoCommit(false);
      T result = work.run(runner(c));
      c.commit();
      // the pool turns auto-commit back on (rolling back after a failure) when c returns
      return result;
    } catch (SQLException e) {
      throw closed ? PostgresErrors.closed() : PostgresErrors.wrap(what, e);
    }
  }

  /**
   * Statements are prepared per query and closed after it; the driver keeps the server-side plan of
   * a statement it has seen often on that connection, so nothing is gained by caching them here.
   *
   * <p>A key holding U+0000 matches no row: PostgreSQL's text cannot hold that character, so no
   * stored id, uuid or key has it; sent as a parameter it would fail the query (SQLState 22021)
   * and, inside a read transaction, the queries after it. So the query is not sent and answers no
   * rows, as SQLite answers for such a key.
   */
  private static QueryRunner runner(Connection c) {
    return new QueryRunner() {
      @Override
      public <T> List<T> list(String sql, Binder binder, RowMapper<T> mapper) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          NulGuard guard = new NulGuard(ps);
          binder.bind(guard.statement());
          return guard.sawNul() ? List.of() : QueryRunner.rows(ps, mapper);
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
}
