package io.opencardkit.core.store;

import io.opencardkit.core.engine.CardEvent;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The storage port: an append-only per-card event log with snapshots, the chat messages, and a
 * small key/value area. SQLite (embedded default) and PostgreSQL implement it; every implementation
 * passes the same contract tests.
 *
 * <p>Implementation notes: {@link #commit} is the only write. A batch is atomic (all of it or
 * nothing) and durable (fsynced) when the returned future completes; implementations group
 * concurrent batches into one transaction so that concurrent streams share an fsync. Batches commit
 * in the order {@code commit} was called.
 */
public interface CardStore extends AutoCloseable {

  /**
   * Writes a batch atomically and durably.
   *
   * @return completes normally once the batch is on disk, or exceptionally with a {@link
   *     StorageException}; a failed batch left nothing behind
   */
  CompletableFuture<Void> commit(WriteBatch batch);

  /**
   * The newest snapshot of a card (if any) and every event after it, in version order; empty for an
   * unknown card.
   */
  Optional<LoadedCard> loadCard(String cardId);

  /**
   * Events of a card with {@code version > afterVersion}, in version order, at most {@code limit}.
   */
  List<CardEvent> events(String cardId, long afterVersion, int limit);

  /**
   * The highest stored version of each of {@code cardIds}; cards not stored are left out. Meant to
   * be cheap however many cards are named (an indexed lookup per card, few round trips), so that a
   * node of a cluster can check its cached copies against what any node stored before it answers
   * from them.
   */
  Map<String, Long> storedVersions(Collection<String> cardIds);

  /** One message by id. */
  Optional<MessageRecord> message(String messageId);

  /** The message an app sent with an IM {@code uuid}, for the one-hour de-duplication of sends. */
  Optional<MessageRecord> messageByUuid(String senderId, String uuid);

  /**
   * Messages of a chat created within {@code [startMillis, endMillis]}, ordered by creation time
   * (then id), ascending or descending, skipping {@code offset} and returning at most {@code
   * limit}.
   */
  List<MessageRecord> messagesOfChat(
      String chatId, long startMillis, long endMillis, boolean ascending, int offset, int limit);

  /**
   * Stores an uploaded image durably (in a transaction of its own: images are written rarely and
   * alone).
   *
   * @return completes once the image is on disk, or exceptionally with a {@link StorageException};
   *     storing a key twice fails with {@link StorageFailure#CONSTRAINT_VIOLATION}
   */
  CompletableFuture<Void> saveImage(StoredImage image);

  /** An uploaded image by its key; empty for a key nobody uploaded. */
  Optional<StoredImage> image(String imageKey);

  /** A value of the key/value area (for example the persisted directory). */
  Optional<String> meta(String key);

  /**
   * Drops what is no longer needed: snapshots superseded by a newer one, and every row of cards
   * whose last event is older than {@code olderThanMillis}.
   *
   * @return the number of cards removed
   */
  int compact(long olderThanMillis);

  /** Finishes pending commits and releases the database. */
  @Override
  void close();
}
