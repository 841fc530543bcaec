package io.opencardkit.store.sqlite;

import io.opencardkit.core.store.StorageException;
import io.opencardkit.core.store.StorageFailure;
import io.opencardkit.store.jdbc.QueryRunner;
import io.opencardkit.store.jdbc.SqlCardStore;
import io.opencardkit.store.jdbc.SqlCardStore.ReadWork;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The queries, over a small pool of read-only connections. In WAL mode readers see the last
 * committed state and neither wait for the writer nor block it.
 */
final class SqliteReader implements SqlCardStore.Reads {
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

  @Override
  public <T> T read(String what, boolean consistent, ReadWork<T> work) {
    ReadConnection c = borrow();
    try {
      if (!consistent) {
        return work.run(c);
      }
      c.begin(); // one read transaction: a consistent view of the WAL
      try {
        return work.run(c);
      } finally {
        c.end();
      }
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
      throw new StorageException(
          StorageFailure.OTHER, "interrupted while waiting for a read connection", e);
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

  /** One read-only connection with its prepared statements, used by one thread at a time. */
  private static final class ReadConnection implements QueryRunner {
    private final Connection connection;
    private final Map<String, PreparedStatement> prepared = new HashMap<>();

    ReadConnection(Connection connection) {
      this.connection = connection;
    }

    @Override
    public <T> List<T> list(String sql, Binder binder, RowMapper<T> mapper) throws SQLException {
      PreparedStatement ps = statement(sql);
      binder.bind(ps);
      return QueryRunner.rows(ps, mapper);
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

    /**
     * Ends the read transaction, releasing its hold on the WAL whether or not the reads succeeded.
     */
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
