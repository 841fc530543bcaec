package io.opencardkit.store.sqlite;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the write-ahead log into the database file on a thread of its own, so that commits never
 * wait for it.
 *
 * <p>By default SQLite checkpoints inside the COMMIT that makes the WAL pass 1,000 pages: under a
 * steady stream of updates that is every second or so, and the group-commit writer (with every
 * update queued behind it) stalls for the copy and the database file's fsync. Here the writer's
 * automatic checkpoints are off and this thread runs a PASSIVE checkpoint every {@link
 * #INTERVAL_MILLIS}: in WAL mode it runs beside the writer and the readers, never blocking them,
 * and copies what no reader still needs; the writer then starts the WAL over from its beginning, so
 * it stays bounded. Durability is unchanged: a commit is durable once the WAL is fsynced,
 * checkpointed or not.
 */
final class WalCheckpointer implements AutoCloseable {
  static final long INTERVAL_MILLIS = 200;
  private static final Logger LOG = LoggerFactory.getLogger(WalCheckpointer.class);

  private final Connection connection;
  private final Thread thread;
  private volatile boolean closed;

  private WalCheckpointer(Connection connection, String name) {
    this.connection = connection;
    this.thread = new Thread(this::run, name);
    this.thread.setDaemon(true);
  }

  static WalCheckpointer start(Connection connection, String name) {
    WalCheckpointer checkpointer = new WalCheckpointer(connection, name);
    checkpointer.thread.start();
    return checkpointer;
  }

  /**
   * One PASSIVE checkpoint now.
   *
   * @return the WAL's frames and how many of them are now in the database file (equal when it
   *     caught up)
   */
  synchronized long[] checkpoint() throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
      rs.next();
      return new long[] {rs.getLong(2), rs.getLong(3)};
    }
  }

  private void run() {
    while (!closed) {
      try {
        TimeUnit.MILLISECONDS.sleep(INTERVAL_MILLIS);
        if (!closed) {
          checkpoint();
        }
      } catch (InterruptedException e) {
        return;
      } catch (SQLException e) {
        // Nothing is lost: the WAL keeps every commit and the next round (or the writer's close)
        // copies it.
        LOG.warn("WAL checkpoint failed, will try again: {}", e.toString());
      }
    }
  }

  /**
   * Stops the thread and closes its connection; the last connection to close (the writer's)
   * checkpoints fully.
   */
  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      try {
        connection.close();
      } catch (SQLException e) {
        LOG.warn("closing the WAL checkpointer's connection failed: {}", e.toString());
      }
    }
  }
}
