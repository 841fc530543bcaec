package io.opencardkit.store.sqlite;

import io.opencardkit.core.store.CardStore;
import io.opencardkit.core.store.StorageException;
import io.opencardkit.core.store.StorageFailure;
import io.opencardkit.store.jdbc.GroupCommitLoop.SqlWork;
import io.opencardkit.store.jdbc.QueryRunner;
import io.opencardkit.store.jdbc.SqlCardStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded {@link CardStore}: one SQLite file in WAL mode. Commits are fsynced before their
 * futures complete and share fsyncs through group commit (see {@link GroupCommitWriter}); queries
 * run on a small pool of read-only connections concurrently with writing.
 *
 * <p>Futures returned by {@link #commit} complete on the writer thread: their non-async dependents
 * must not block.
 */
public final class SqliteCardStore extends SqlCardStore {
  private static final Logger LOG = LoggerFactory.getLogger(SqliteCardStore.class);
  private static final int READ_CONNECTIONS = 4;

  private static final String STALE_CARDS =
      "SELECT e.card_id FROM card_events e"
          + " JOIN (SELECT card_id, MAX(version) AS last FROM card_events GROUP BY card_id) l"
          + " ON e.card_id = l.card_id AND e.version = l.last"
          + " WHERE e.at_millis < ?";

  // the primary key (card_id, version) answers MAX for one card with one index probe; grouped over
  // several it would not
  private static final String LAST_VERSION =
      "SELECT MAX(version) FROM card_events WHERE card_id = ?";

  private final WalCheckpointer checkpointer;

  private SqliteCardStore(
      GroupCommitWriter writer, SqliteReader reader, WalCheckpointer checkpointer) {
    super(writer, reader);
    this.checkpointer = checkpointer;
  }

  /**
   * Opens the database at {@code dbFile}, creating the file, its parent directories and the tables
   * if missing.
   *
   * @throws StorageException when the file cannot be opened or holds an unsupported schema version
   */
  public static SqliteCardStore open(Path dbFile) {
    return open(dbFile, WalLimits.DEFAULT);
  }

  static SqliteCardStore open(Path dbFile, WalLimits walLimits) {
    Connection writeConnection = null;
    Connection checkpointConnection = null;
    SqliteReader reader = null;
    try {
      Path parent = dbFile.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      writeConnection = SqliteSchema.openWriter(dbFile, walLimits);
      String journal = SqliteSchema.journalMode(writeConnection);
      if (!"wal".equalsIgnoreCase(journal)) {
        LOG.warn(
            "SQLite refused WAL mode for {} (journal_mode={}): readers will wait for writers",
            dbFile,
            journal);
      }
      SqliteSchema.createOrVerify(writeConnection);
      reader = SqliteReader.open(dbFile, READ_CONNECTIONS);
      checkpointConnection = SqliteSchema.openCheckpointer(dbFile);
      WalCheckpointer checkpointer =
          WalCheckpointer.start(checkpointConnection, walLimits, "okc-sqlite-checkpoint");
      return new SqliteCardStore(GroupCommitWriter.start(writeConnection), reader, checkpointer);
    } catch (SQLException | IOException | RuntimeException e) {
      closeQuietly(checkpointConnection);
      closeQuietly(writeConnection);
      if (reader != null) {
        reader.close();
      }
      if (e instanceof StorageException) {
        throw (StorageException) e;
      }
      StorageFailure failure =
          e instanceof SQLException
              ? SqliteErrors.classify((SQLException) e)
              : StorageFailure.OTHER;
      throw new StorageException(
          failure, "cannot open SQLite store " + dbFile + ": " + e.getMessage(), e);
    }
  }

  @Override
  protected int deleteCardsOlderThan(Connection c, long olderThanMillis) throws SQLException {
    List<String> stale = new ArrayList<>();
    try (PreparedStatement q = c.prepareStatement(STALE_CARDS)) {
      q.setLong(1, olderThanMillis);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          stale.add(rs.getString(1));
        }
      }
    }
    try (PreparedStatement events =
            c.prepareStatement("DELETE FROM card_events WHERE card_id = ?");
        PreparedStatement snapshots =
            c.prepareStatement("DELETE FROM card_snapshots WHERE card_id = ?")) {
      for (String cardId : stale) {
        events.setString(1, cardId);
        events.executeUpdate();
        snapshots.setString(1, cardId);
        snapshots.executeUpdate();
      }
    }
    return stale.size(); // messages stay: they are the chat history, not the card entity
  }

  /** One query per card: they are cheap in-process calls, not round trips. */
  @Override
  protected Map<String, Long> queryStoredVersions(QueryRunner q, List<String> cardIds)
      throws SQLException {
    Map<String, Long> versions = new HashMap<>();
    for (String cardId : cardIds) {
      List<Long> last =
          q.list(
              LAST_VERSION,
              ps -> ps.setString(1, cardId),
              rs -> {
                long version = rs.getLong(1);
                return rs.wasNull() ? null : version;
              });
      if (last.get(0) != null) {
        versions.put(cardId, last.get(0));
      }
    }
    return versions;
  }

  @Override
  protected void closeHelpers() {
    checkpointer.close();
  }

  /**
   * One checkpoint now, as the checkpointer runs them: the WAL's frames and how many are in the
   * database file.
   */
  long[] checkpointNow() throws SQLException {
    return checkpointer.checkpoint();
  }

  /**
   * Runs {@code work} on the writer thread in a transaction of its own; for tests that need to hold
   * the writer.
   */
  <T> CompletableFuture<T> runOnWriter(SqlWork<T> work) {
    return submitToWriter(work);
  }

  private static void closeQuietly(Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException ignored) {
      // opening already failed; that failure is the one reported
    }
  }
}
