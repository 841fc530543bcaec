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
 * WalLimits#intervalMillis()} (200 ms): in WAL mode it runs beside the writer and the readers,
 * never blocking them, and copies what no reader still needs. Durability is unchanged: a commit is
 * durable once the WAL is fsynced, checkpointed or not.
 *
 * <p>The writer starts the WAL over from its beginning only when its transaction began with every
 * frame copied. Under a steady stream of commits that never happens: each commit lands while a
 * PASSIVE checkpoint copies, so the WAL grew without end (800 MB in 40 s of the ingest benchmark,
 * every byte of it kept on disk and read again when the next start recovers it). So once the WAL
 * holds {@link WalLimits#restartFrames()} frames, the PASSIVE round is followed by a RESTART
 * checkpoint: it waits for the writer's transaction in flight, holds new ones back while it copies
 * the little the PASSIVE round left (the commits of one interval) and syncs, and waits for readers
 * of the old frames, all for at most {@link WalLimits#restartWaitMillis()}; the next commit then
 * writes the WAL from its start again. If it times out (a long read), the next round tries again.
 */
final class WalCheckpointer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WalCheckpointer.class);

  private final Connection connection;
  private final WalLimits limits;
  private final Thread thread;
  private volatile boolean closed;

  private WalCheckpointer(Connection connection, WalLimits limits, String name) {
    this.connection = connection;
    this.limits = limits;
    this.thread = new Thread(this::run, name);
    this.thread.setDaemon(true);
  }

  static WalCheckpointer start(Connection connection, WalLimits limits, String name) {
    WalCheckpointer checkpointer = new WalCheckpointer(connection, limits, name);
    checkpointer.thread.start();
    return checkpointer;
  }

  /**
   * One round now: a PASSIVE checkpoint, and a RESTART checkpoint after it when the WAL is long.
   *
   * @return the WAL's frames and how many of them are now in the database file (equal when it
   *     caught up)
   */
  synchronized long[] checkpoint() throws SQLException {
    long[] passive = run("PASSIVE");
    limits.afterPassive().run();
    if (passive[0] < limits.restartFrames()) {
      return passive;
    }
    try (Statement s = connection.createStatement()) {
      s.execute("PRAGMA busy_timeout = " + limits.restartWaitMillis());
      try {
        return run("RESTART");
      } finally {
        s.execute("PRAGMA busy_timeout = " + SqliteSchema.BUSY_TIMEOUT_MILLIS);
      }
    }
  }

  private long[] run(String mode) throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
      rs.next();
      return new long[] {rs.getLong(2), rs.getLong(3)};
    }
  }

  private void run() {
    while (!closed) {
      try {
        TimeUnit.MILLISECONDS.sleep(limits.intervalMillis());
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
