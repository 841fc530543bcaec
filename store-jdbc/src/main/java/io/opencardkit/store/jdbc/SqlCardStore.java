package io.opencardkit.store.jdbc;

import io.opencardkit.core.Json;
import io.opencardkit.core.engine.CardEvent;
import io.opencardkit.core.store.CardStore;
import io.opencardkit.core.store.DeliveryStore;
import io.opencardkit.core.store.LoadedCard;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.core.store.PendingDelivery;
import io.opencardkit.core.store.StorageException;
import io.opencardkit.core.store.StorageFailure;
import io.opencardkit.core.store.StoredImage;
import io.opencardkit.core.store.WriteBatch;
import io.opencardkit.store.jdbc.GroupCommitLoop.SqlWork;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

/**
 * What both SQL adapters' stores share: writes go to a {@link GroupCommitLoop}, reads run {@link
 * StoreQueries} on connections the adapter's {@link Reads} provide. A subclass supplies compaction,
 * the one statement that differs. The bots' pending deliveries ({@link DeliveryStore}) change on
 * the writer thread too, each call in a transaction of its own ({@link DeliveryRows}).
 *
 * <p>Futures returned by {@link #commit} complete on the writer thread: their non-async dependents
 * must not block.
 */
public abstract class SqlCardStore implements CardStore, DeliveryStore {
  /** The most cards one query of {@link #storedVersions} names. */
  protected static final int VERSIONS_PER_QUERY = 1000;

  private final GroupCommitLoop writer;
  private final Reads reads;

  protected SqlCardStore(GroupCommitLoop writer, Reads reads) {
    this.writer = Objects.requireNonNull(writer, "writer");
    this.reads = Objects.requireNonNull(reads, "reads");
  }

  /** How an adapter runs a read, and what it says when one fails. */
  public interface Reads extends AutoCloseable {
    /**
     * Runs {@code work} on a read connection; with {@code consistent}, inside one read transaction
     * so that all its queries see the same committed state.
     *
     * @throws StorageException classified, naming {@code what} was read; after {@link #close()},
     *     with OTHER
     */
    <T> T read(String what, boolean consistent, ReadWork<T> work);

    /** Releases the read connections; later reads fail. */
    @Override
    void close();
  }

  /** Queries run on one read connection. */
  @FunctionalInterface
  public interface ReadWork<T> {
    T run(QueryRunner q) throws SQLException;
  }

  /**
   * Deletes every row of the cards whose last event is older than {@code olderThanMillis}; on the
   * writer thread.
   */
  protected abstract int deleteCardsOlderThan(Connection c, long olderThanMillis)
      throws SQLException;

  /**
   * The highest stored version of each of {@code cardIds} (at most {@value #VERSIONS_PER_QUERY},
   * none holding U+0000), leaving out cards not stored; see {@link CardStore#storedVersions}.
   */
  protected abstract Map<String, Long> queryStoredVersions(QueryRunner q, List<String> cardIds)
      throws SQLException;

  @Override
  public final CompletableFuture<Void> commit(WriteBatch batch) {
    Objects.requireNonNull(batch, "batch");
    List<String> payloads = new ArrayList<>(batch.events().size());
    for (CardEvent e : batch.events()) {
      payloads.add(Json.write(e.payload())); // serialized here, so the writer thread only writes
    }
    return writer.submit(batch, payloads);
  }

  @Override
  public final Optional<LoadedCard> loadCard(String cardId) {
    return reads.read("loadCard", true, q -> StoreQueries.loadCard(q, cardId));
  }

  @Override
  public final List<CardEvent> events(String cardId, long afterVersion, int limit) {
    requireNonNegative("limit", limit);
    return reads.read("events", false, q -> StoreQueries.events(q, cardId, afterVersion, limit));
  }

  /**
   * {@inheritDoc} Ids holding U+0000 match nothing (no stored id holds one; PostgreSQL could not
   * even take them).
   */
  @Override
  public final Map<String, Long> storedVersions(Collection<String> cardIds) {
    List<String> ids =
        cardIds.stream().filter(id -> id.indexOf('\0') < 0).distinct().collect(Collectors.toList());
    Map<String, Long> versions = new HashMap<>();
    for (int from = 0; from < ids.size(); from += VERSIONS_PER_QUERY) {
      List<String> some = ids.subList(from, Math.min(ids.size(), from + VERSIONS_PER_QUERY));
      versions.putAll(reads.read("storedVersions", false, q -> queryStoredVersions(q, some)));
    }
    return versions;
  }

  @Override
  public final Optional<MessageRecord> message(String messageId) {
    return reads.read("message", false, q -> StoreQueries.message(q, messageId));
  }

  @Override
  public final Optional<MessageRecord> messageByUuid(String senderId, String uuid) {
    return reads.read("messageByUuid", false, q -> StoreQueries.messageByUuid(q, senderId, uuid));
  }

  @Override
  public final List<MessageRecord> messagesOfChat(
      String chatId, long startMillis, long endMillis, boolean ascending, int offset, int limit) {
    requireNonNegative("offset", offset);
    requireNonNegative("limit", limit);
    return reads.read(
        "messagesOfChat",
        false,
        q ->
            StoreQueries.messagesOfChat(
                q, chatId, startMillis, endMillis, ascending, offset, limit));
  }

  /**
   * {@inheritDoc} On the writer thread, in a transaction of its own between the batches queued
   * around it.
   */
  @Override
  public final CompletableFuture<Void> saveImage(StoredImage image) {
    Objects.requireNonNull(image, "image");
    return writer.submitTask(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(StoreStatements.INSERT_IMAGE)) {
            JdbcRows.bindImage(ps, image);
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public final Optional<StoredImage> image(String imageKey) {
    return reads.read("image", false, q -> StoreQueries.image(q, imageKey));
  }

  @Override
  public final Optional<String> meta(String key) {
    return reads.read("meta", false, q -> StoreQueries.meta(q, key));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Runs on the writer thread in its own transaction, between the batches committed before and
   * after the call. A card keeps one snapshot row (newer ones replace it), so there is never a
   * superseded snapshot left to drop; messages stay: they are the chat history, not the card
   * entity.
   */
  @Override
  public final int compact(long olderThanMillis) {
    return await("compact", writer.submitTask(c -> deleteCardsOlderThan(c, olderThanMillis)));
  }

  @Override
  public final List<PendingDelivery> claimDue(
      String owner, long nowMillis, long leaseUntilMillis, int limit) {
    Objects.requireNonNull(owner, "owner");
    requireNonNegative("limit", limit);
    return await(
        "claimDue",
        writer.submitTask(
            c -> DeliveryRows.claimDue(c, owner, nowMillis, leaseUntilMillis, limit)));
  }

  @Override
  public final boolean finish(String eventId, String owner) {
    return await("finish", writer.submitTask(c -> DeliveryRows.finish(c, eventId, owner)));
  }

  @Override
  public final boolean retryLater(
      String eventId, String owner, int failedAttempts, long dueAtMillis) {
    return await(
        "retryLater",
        writer.submitTask(
            c -> DeliveryRows.retryLater(c, eventId, owner, failedAttempts, dueAtMillis)));
  }

  @Override
  public final int releaseLeases(String owner) {
    Objects.requireNonNull(owner, "owner");
    return await("releaseLeases", writer.submitTask(c -> DeliveryRows.release(c, owner)));
  }

  @Override
  public final int releaseEveryLease() {
    return await("releaseEveryLease", writer.submitTask(c -> DeliveryRows.release(c, null)));
  }

  @Override
  public final List<PendingDelivery> pendingDeliveries() {
    return reads.read("pendingDeliveries", false, DeliveryRows::all);
  }

  /**
   * Runs {@code work} on the writer thread in a transaction of its own (tests hold the writer with
   * it).
   */
  protected final <T> CompletableFuture<T> submitToWriter(SqlWork<T> work) {
    return writer.submitTask(work);
  }

  /**
   * Transactions that committed batches so far; with {@link #batchesCount()}, the batches per
   * commit.
   */
  public final long commitsCount() {
    return writer.commitsCount();
  }

  /** Batches committed so far. */
  public final long batchesCount() {
    return writer.batchesCount();
  }

  /**
   * Tells {@code observer} about every transaction that commits batches (see {@link
   * GroupCommitLoop.CommitObserver}).
   */
  public final void observeCommits(GroupCommitLoop.CommitObserver observer) {
    writer.observeCommits(observer);
  }

  /**
   * Commits every batch accepted so far, then closes the database; later calls fail. Idempotent.
   */
  @Override
  public final void close() {
    closeHelpers();
    writer.close();
    reads.close();
  }

  /**
   * Stops what a store runs beside its writer and readers (first thing {@link #close()} does);
   * nothing by default.
   */
  protected void closeHelpers() {}

  private <T> T await(String doing, CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (ExecutionException e) {
      throw writer.wrap(doing, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException(
          StorageFailure.OTHER, "interrupted while waiting for the writer", e);
    }
  }

  private static void requireNonNegative(String name, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " cannot be negative: " + value);
    }
  }
}
