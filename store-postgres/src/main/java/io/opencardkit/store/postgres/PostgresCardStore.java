package io.opencardkit.store.postgres;

import io.opencardkit.core.Json;
import io.opencardkit.core.engine.CardEvent;
import io.opencardkit.core.store.CardStore;
import io.opencardkit.core.store.LoadedCard;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.core.store.StorageException;
import io.opencardkit.core.store.StorageFailure;
import io.opencardkit.core.store.WriteBatch;
import io.opencardkit.core.store.jdbc.GroupCommitLoop.SqlWork;
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

/**
 * The {@link CardStore} for several server nodes sharing one PostgreSQL database. Each node's commits share
 * transactions through group commit (see {@link PostgresWriter}); a card's version is stored once whichever node
 * writes it, the loser's batch failing with {@link StorageFailure#CONSTRAINT_VIOLATION}. Queries run on a pool.
 *
 * <p>Futures returned by {@link #commit} complete on the writer thread: their non-async dependents must not block.
 */
public final class PostgresCardStore implements CardStore {
  // locks the stale heads in card id order, the writers' lock order, then deletes them and every row of their cards
  private static final String DELETE_STALE_CARDS =
      "WITH stale AS (SELECT card_id FROM cards WHERE last_at < ? ORDER BY card_id FOR UPDATE),"
          + " heads AS (DELETE FROM cards WHERE card_id IN (SELECT card_id FROM stale) RETURNING card_id),"
          + " events AS (DELETE FROM card_events WHERE card_id IN (SELECT card_id FROM heads)),"
          + " snapshots AS (DELETE FROM card_snapshots WHERE card_id IN (SELECT card_id FROM heads))"
          + " SELECT count(*) FROM heads";

  private final PostgresWriter writer;
  private final PostgresReader reader;

  private PostgresCardStore(PostgresWriter writer, PostgresReader reader) {
    this.writer = writer;
    this.reader = reader;
  }

  /**
   * Migrates the schema (creating it if missing), then connects the writer and the read pool.
   *
   * @throws StorageException when the database cannot be reached or migrated; the message shows no password
   */
  public static PostgresCardStore open(PostgresConfig config) {
    Objects.requireNonNull(config, "config");
    migrate(config);
    PostgresWriter writer = null;
    try {
      writer = PostgresWriter.start(config);
      return new PostgresCardStore(writer, new PostgresReader(PostgresConnections.openReadPool(config)));
    } catch (SQLException | RuntimeException e) {
      if (writer != null) {
        writer.close();
      }
      StorageFailure failure = e instanceof SQLException ? PostgresErrors.classify((SQLException) e)
          : StorageFailure.OTHER;
      throw new StorageException(failure, "cannot open the PostgreSQL store " + config.redacted() + ": "
          + PostgresErrors.describe(e), PostgresErrors.chainable(e));
    }
  }

  /**
   * Creates the schema if missing and applies the migrations not applied yet; what {@link #open} does first, for an
   * operator who migrates before starting the nodes. Safe to run from several nodes at once.
   *
   * @throws StorageException when the database cannot be reached or a migration fails
   */
  public static void migrate(PostgresConfig config) {
    PostgresSchema.migrate(Objects.requireNonNull(config, "config"));
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
   * <p>"Last event" is the card's head row, whichever node wrote it. Runs on the writer thread in its own
   * transaction, between the batches committed before and after the call. A card keeps one snapshot row (newer
   * ones replace it), so there is never a superseded snapshot left to drop; messages stay, they are the chat
   * history.
   */
  @Override
  public int compact(long olderThanMillis) {
    return await(writer.submitTask(c -> deleteCardsOlderThan(c, olderThanMillis)));
  }

  private static int deleteCardsOlderThan(Connection c, long olderThanMillis) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(DELETE_STALE_CARDS)) {
      ps.setLong(1, olderThanMillis);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** Runs {@code work} on the writer thread in a transaction of its own; for tests that need to hold the writer. */
  <T> CompletableFuture<T> runOnWriter(SqlWork<T> work) {
    return writer.submitTask(work);
  }

  /** The server process of the writer's connection (-1 while disconnected); for tests that cut it. */
  int writerBackendPid() {
    return writer.backendPid();
  }

  /** Transactions that committed batches so far; with {@link #batchesCount()}, the batches per commit. */
  public long commitsCount() {
    return writer.commitsCount();
  }

  /** Batches committed so far. */
  public long batchesCount() {
    return writer.batchesCount();
  }

  /** Commits every batch accepted so far, then closes the connections; later calls fail. Idempotent. */
  @Override
  public void close() {
    writer.close();
    reader.close();
  }

  private static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (ExecutionException e) {
      throw PostgresErrors.wrap("compact", e.getCause());
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
}
