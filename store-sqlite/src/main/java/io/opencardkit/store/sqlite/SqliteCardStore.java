package io.opencardkit.store.sqlite;

import io.opencardkit.core.Json;
import io.opencardkit.core.engine.CardEvent;
import io.opencardkit.core.store.CardStore;
import io.opencardkit.core.store.LoadedCard;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.core.store.StorageException;
import io.opencardkit.core.store.StorageFailure;
import io.opencardkit.core.store.WriteBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded {@link CardStore}: one SQLite file in WAL mode. Commits are fsynced before their futures complete and
 * share fsyncs through group commit (see {@link GroupCommitWriter}); queries run on a small pool of read-only
 * connections concurrently with writing.
 *
 * <p>Futures returned by {@link #commit} complete on the writer thread: their non-async dependents must not block.
 */
public final class SqliteCardStore implements CardStore {
  private static final Logger LOG = LoggerFactory.getLogger(SqliteCardStore.class);
  private static final int READ_CONNECTIONS = 4;

  private static final String STALE_CARDS =
      "SELECT e.card_id FROM card_events e"
          + " JOIN (SELECT card_id, MAX(version) AS last FROM card_events GROUP BY card_id) l"
          + " ON e.card_id = l.card_id AND e.version = l.last"
          + " WHERE e.at_millis < ?";

  private final GroupCommitWriter writer;
  private final SqliteReader reader;

  private SqliteCardStore(GroupCommitWriter writer, SqliteReader reader) {
    this.writer = writer;
    this.reader = reader;
  }

  /**
   * Opens the database at {@code dbFile}, creating the file, its parent directories and the tables if missing.
   *
   * @throws StorageException when the file cannot be opened or holds an unsupported schema version
   */
  public static SqliteCardStore open(Path dbFile) {
    Connection writeConnection = null;
    SqliteReader reader = null;
    try {
      Path parent = dbFile.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      writeConnection = SqliteSchema.openWriter(dbFile);
      String journal = SqliteSchema.journalMode(writeConnection);
      if (!"wal".equalsIgnoreCase(journal)) {
        LOG.warn("SQLite refused WAL mode for {} (journal_mode={}): readers will wait for writers", dbFile, journal);
      }
      SqliteSchema.createOrVerify(writeConnection);
      reader = SqliteReader.open(dbFile, READ_CONNECTIONS);
      return new SqliteCardStore(GroupCommitWriter.start(writeConnection), reader);
    } catch (SQLException | IOException | RuntimeException e) {
      closeQuietly(writeConnection);
      if (reader != null) {
        reader.close();
      }
      if (e instanceof StorageException) {
        throw (StorageException) e;
      }
      StorageFailure failure = e instanceof SQLException ? SqliteErrors.classify((SQLException) e)
          : StorageFailure.OTHER;
      throw new StorageException(failure, "cannot open SQLite store " + dbFile + ": " + e.getMessage(), e);
    }
  }

  @Override
  public CompletableFuture<Void> commit(WriteBatch batch) {
    Objects.requireNonNull(batch, "batch");
    List<String> payloads = new ArrayList<>(batch.events().size());
    for (CardEvent e : batch.events()) {
      payloads.add(Json.write(e.payload())); // serialized here, so the writer thread only writes
    }
    return writer.submit(batch, payloads);
  }

  @Override
  public Optional<LoadedCard> loadCard(String cardId) {
    return reader.loadCard(cardId);
  }

  @Override
  public List<CardEvent> events(String cardId, long afterVersion, int limit) {
    requireNonNegative("limit", limit);
    return reader.events(cardId, afterVersion, limit);
  }

  @Override
  public Optional<MessageRecord> message(String messageId) {
    return reader.message(messageId);
  }

  @Override
  public Optional<MessageRecord> messageByUuid(String senderId, String uuid) {
    return reader.messageByUuid(senderId, uuid);
  }

  @Override
  public List<MessageRecord> messagesOfChat(
      String chatId, long startMillis, long endMillis, boolean ascending, int offset, int limit) {
    requireNonNegative("offset", offset);
    requireNonNegative("limit", limit);
    return reader.messagesOfChat(chatId, startMillis, endMillis, ascending, offset, limit);
  }

  @Override
  public Optional<String> meta(String key) {
    return reader.meta(key);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Runs on the writer thread in its own transaction, between the batches committed before and after the call.
   * A card keeps one snapshot row (newer ones replace it), so there is never a superseded snapshot left to drop.
   */
  @Override
  public int compact(long olderThanMillis) {
    return await(writer.submitTask(c -> deleteCardsOlderThan(c, olderThanMillis)));
  }

  private static int deleteCardsOlderThan(Connection c, long olderThanMillis) throws SQLException {
    List<String> stale = new ArrayList<>();
    try (PreparedStatement q = c.prepareStatement(STALE_CARDS)) {
      q.setLong(1, olderThanMillis);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          stale.add(rs.getString(1));
        }
      }
    }
    try (PreparedStatement events = c.prepareStatement("DELETE FROM card_events WHERE card_id = ?");
        PreparedStatement snapshots = c.prepareStatement("DELETE FROM card_snapshots WHERE card_id = ?")) {
      for (String cardId : stale) {
        events.setString(1, cardId);
        events.executeUpdate();
        snapshots.setString(1, cardId);
        snapshots.executeUpdate();
      }
    }
    return stale.size(); // messages stay: they are the chat history, not the card entity
  }

  /** Runs {@code work} on the writer thread in a transaction of its own; for tests that need to hold the writer. */
  <T> CompletableFuture<T> runOnWriter(GroupCommitWriter.SqlWork<T> work) {
    return writer.submitTask(work);
  }

  /** Transactions that committed batches so far; with {@link #batchesCount()}, the batches per fsync. */
  public long commitsCount() {
    return writer.commitsCount();
  }

  /** Batches committed so far. */
  public long batchesCount() {
    return writer.batchesCount();
  }

  /** Commits every batch accepted so far, then closes the database; later calls fail. Idempotent. */
  @Override
  public void close() {
    writer.close();
    reader.close();
  }

  private static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (ExecutionException e) {
      throw SqliteErrors.wrap("compact", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException(StorageFailure.OTHER, "interrupted while waiting for the writer", e);
    }
  }

  private static void requireNonNegative(String name, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " cannot be negative: " + value);
    }
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
