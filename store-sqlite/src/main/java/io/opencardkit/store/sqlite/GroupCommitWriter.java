package io.opencardkit.store.sqlite;

import io.opencardkit.core.store.StorageException;
import io.opencardkit.store.jdbc.GroupCommitLoop;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The single thread that owns the SQLite write connection and commits queued batches in groups. */
final class GroupCommitWriter extends GroupCommitLoop {
  /*
   * Implementation notes (the queue, ordering and close are GroupCommitLoop's)
   *
   * One fsync per group: BEGIN IMMEDIATE, the rows of every batch, COMMIT. With journal_mode=WAL and
   * synchronous=FULL the COMMIT returns only after the WAL is fsynced, and only then are the group's futures
   * completed.
   *
   * Failure isolation. If a group's transaction fails, it is rolled back and each of its batches is retried alone in
   * its own transaction, still in order, so one bad batch (say a version written twice) fails only its own future.
   * Every batch stays atomic: a failed batch leaves no row behind. Retrying costs one fsync per batch for that group
   * only; savepoints per batch would avoid it for constraint errors, but failures are rare and this is simpler.
   */

  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);

  private final Connection connection;
  private final BatchStatements statements;

  private GroupCommitWriter(Connection connection) throws SQLException {
    super("sqlite-group-commit", "SQLite");
    this.connection = connection;
    this.statements = new BatchStatements(connection);
  }

  /**
   * Starts the writer thread; the writer owns {@code connection} from now on and closes it when
   * stopped.
   */
  static GroupCommitWriter start(Connection connection) throws SQLException {
    GroupCommitWriter writer = new GroupCommitWriter(connection);
    writer.start();
    return writer;
  }

  @Override
  protected void commitGroup(List<QueuedBatch> group) {
    try {
      statements.begin();
      for (QueuedBatch job : group) {
        statements.write(job.batch(), job.payloads());
      }
      statements.commit();
    } catch (SQLException | RuntimeException e) {
      statements.rollbackQuietly();
      if (group.size() == 1) {
        group.get(0).fail(SqliteErrors.wrap("commit", e));
      } else {
        group.forEach(this::commitAlone);
      }
      return;
    }
    counted(group.size());
    group.forEach(QueuedBatch::complete);
  }

  private void commitAlone(QueuedBatch job) {
    try {
      statements.begin();
      statements.write(job.batch(), job.payloads());
      statements.commit();
    } catch (SQLException | RuntimeException e) {
      statements.rollbackQuietly();
      job.fail(SqliteErrors.wrap("commit", e));
      return;
    }
    counted(1);
    job.complete();
  }

  @Override
  protected void runTask(QueuedTask<?> task) {
    try {
      statements.begin();
      task.run(connection, statements::commit);
    } catch (SQLException | RuntimeException e) {
      statements.rollbackQuietly();
      task.fail(SqliteErrors.wrap("store task", e));
    }
  }

  @Override
  protected void closeConnection() {
    try {
      statements.close();
      connection.close();
    } catch (SQLException e) {
      LOG.warn("closing the SQLite write connection failed", e);
    }
  }

  @Override
  protected StorageException wrap(String doing, Throwable t) {
    return SqliteErrors.wrap(doing, t);
  }
}
