package io.opencardkit.store.testkit;

import io.opencardkit.core.engine.CardEvent;
import io.opencardkit.core.store.CardSnapshot;
import io.opencardkit.core.store.CardStore;
import io.opencardkit.core.store.DeliveryStore;
import io.opencardkit.core.store.LoadedCard;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.core.store.PendingDelivery;
import io.opencardkit.core.store.StorageException;
import io.opencardkit.core.store.StorageFailure;
import io.opencardkit.core.store.StoredImage;
import io.opencardkit.core.store.WriteBatch;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A thread-safe {@link CardStore} kept in memory, for tests of the code above the storage port. It
 * passes {@link CardStoreContract} and {@link DeliveryStoreContract}, so it behaves like the
 * database adapters except that nothing survives the JVM.
 *
 * <p>{@link #commit} applies the batch before returning an already completed future. {@link #close}
 * ends this handle only; {@link #reopen} gives a fresh handle on the same data, as reopening a
 * database file would.
 */
public final class InMemoryCardStore implements CardStore, DeliveryStore {
  private static final Comparator<MessageRecord> CHAT_ORDER =
      Comparator.comparingLong(MessageRecord::createdAtMillis)
          .thenComparing(MessageRecord::messageId);
  private static final Comparator<PendingDelivery> DUE_ORDER =
      Comparator.comparingLong(PendingDelivery::dueAtMillis)
          .thenComparing(PendingDelivery::eventId);

  private final Data data;
  private volatile boolean closed;

  /** An empty store. */
  public InMemoryCardStore() {
    this(new Data());
  }

  private InMemoryCardStore(Data data) {
    this.data = data;
  }

  /** A new, open handle on the data of this store, whether or not this handle is closed. */
  public InMemoryCardStore reopen() {
    return new InMemoryCardStore(data);
  }

  @Override
  public CompletableFuture<Void> commit(WriteBatch batch) {
    if (closed) {
      return CompletableFuture.failedFuture(closedException());
    }
    data.lock.writeLock().lock();
    try {
      String duplicate = findDuplicate(batch.events());
      if (duplicate != null) {
        return CompletableFuture.failedFuture(
            new StorageException(
                StorageFailure.CONSTRAINT_VIOLATION,
                "card event already stored: " + duplicate,
                null));
      }
      MessageRecord taken = findTakenUuid(batch.messages());
      if (taken != null) {
        return CompletableFuture.failedFuture(
            new StorageException(
                StorageFailure.CONSTRAINT_VIOLATION,
                "uuid " + taken.uuid() + " was used by another message within the hour",
                null));
      }
      apply(batch);
      return CompletableFuture.completedFuture(null);
    } finally {
      data.lock.writeLock().unlock();
    }
  }

  /**
   * The first {@code cardId@version} of the batch that is stored already or repeated in the batch,
   * else null.
   */
  private String findDuplicate(List<CardEvent> events) {
    Set<String> seen = new HashSet<>();
    for (CardEvent e : events) {
      NavigableMap<Long, CardEvent> log = data.events.get(e.cardId());
      String key = e.cardId() + "@" + e.version();
      if ((log != null && log.containsKey(e.version())) || !seen.add(key)) {
        return key;
      }
    }
    return null;
  }

  /**
   * The first message of the batch whose uuid another message claimed within the hour, else null.
   */
  private MessageRecord findTakenUuid(List<MessageRecord> messages) {
    Map<String, MessageRecord> inBatch = new HashMap<>();
    for (MessageRecord m : messages) {
      if (m.uuid() == null) {
        continue;
      }
      String key = m.senderId() + "\n" + m.uuid();
      MessageRecord holder = inBatch.containsKey(key) ? inBatch.get(key) : data.uuids.get(key);
      if (holder != null
          && !holder.messageId().equals(m.messageId())
          && holder.createdAtMillis() > m.createdAtMillis() - MessageRecord.UUID_WINDOW_MILLIS) {
        return m;
      }
      inBatch.put(key, m);
    }
    return null;
  }

  private void apply(WriteBatch batch) {
    for (CardEvent e : batch.events()) {
      data.events.computeIfAbsent(e.cardId(), id -> new TreeMap<>()).put(e.version(), e);
    }
    for (CardSnapshot s : batch.snapshots()) {
      // keeps the newest, as the SQL adapters do, so a late write of an older snapshot cannot win
      data.snapshots.merge(s.cardId(), s, (old, neu) -> neu.version() >= old.version() ? neu : old);
    }
    for (MessageRecord m : batch.messages()) {
      data.messages.put(m.messageId(), m);
      if (m.uuid() != null) {
        data.uuids.put(m.senderId() + "\n" + m.uuid(), m);
      }
    }
    data.meta.putAll(batch.meta());
    for (PendingDelivery d : batch.deliveries()) {
      data.deliveries.put(d.eventId(), d);
    }
  }

  @Override
  public Optional<LoadedCard> loadCard(String cardId) {
    return read(
        () -> {
          CardSnapshot snapshot = data.snapshots.get(cardId);
          NavigableMap<Long, CardEvent> log = data.events.get(cardId);
          if (snapshot == null && log == null) {
            return Optional.empty();
          }
          long after = snapshot == null ? 0 : snapshot.version();
          List<CardEvent> tail =
              log == null ? List.of() : new ArrayList<>(log.tailMap(after, false).values());
          return Optional.of(new LoadedCard(snapshot, tail));
        });
  }

  @Override
  public List<CardEvent> events(String cardId, long afterVersion, int limit) {
    requireNonNegative("limit", limit);
    return read(
        () -> {
          NavigableMap<Long, CardEvent> log = data.events.get(cardId);
          if (log == null) {
            return List.of();
          }
          return log.tailMap(afterVersion, false).values().stream()
              .limit(limit)
              .collect(Collectors.toList());
        });
  }

  @Override
  public Map<String, Long> storedVersions(Collection<String> cardIds) {
    return read(
        () -> {
          Map<String, Long> versions = new HashMap<>();
          for (String cardId : cardIds) {
            NavigableMap<Long, CardEvent> log = data.events.get(cardId);
            if (log != null) {
              versions.put(cardId, log.lastKey());
            }
          }
          return versions;
        });
  }

  @Override
  public Optional<MessageRecord> message(String messageId) {
    return read(() -> Optional.ofNullable(data.messages.get(messageId)));
  }

  @Override
  public Optional<MessageRecord> messageByUuid(String senderId, String uuid) {
    return read(
        () ->
            data.messages.values().stream()
                .filter(m -> m.senderId().equals(senderId) && uuid != null && uuid.equals(m.uuid()))
                .max(CHAT_ORDER));
  }

  @Override
  public List<MessageRecord> messagesOfChat(
      String chatId, long startMillis, long endMillis, boolean ascending, int offset, int limit) {
    requireNonNegative("offset", offset);
    requireNonNegative("limit", limit);
    return read(
        () ->
            data.messages.values().stream()
                .filter(m -> m.chatId().equals(chatId))
                .filter(m -> m.createdAtMillis() >= startMillis && m.createdAtMillis() <= endMillis)
                .sorted(ascending ? CHAT_ORDER : CHAT_ORDER.reversed())
                .skip(offset)
                .limit(limit)
                .collect(Collectors.toList()));
  }

  @Override
  public CompletableFuture<Void> saveImage(StoredImage image) {
    if (closed) {
      return CompletableFuture.failedFuture(closedException());
    }
    data.lock.writeLock().lock();
    try {
      if (data.images.putIfAbsent(image.imageKey(), image) != null) {
        return CompletableFuture.failedFuture(
            new StorageException(
                StorageFailure.CONSTRAINT_VIOLATION,
                "image already stored: " + image.imageKey(),
                null));
      }
      return CompletableFuture.completedFuture(null);
    } finally {
      data.lock.writeLock().unlock();
    }
  }

  @Override
  public Optional<StoredImage> image(String imageKey) {
    return read(() -> Optional.ofNullable(data.images.get(imageKey)));
  }

  @Override
  public Optional<String> meta(String key) {
    return read(() -> Optional.ofNullable(data.meta.get(key)));
  }

  @Override
  public int compact(long olderThanMillis) {
    if (closed) {
      throw closedException();
    }
    data.lock.writeLock().lock();
    try {
      int removed = 0;
      Iterator<Map.Entry<String, NavigableMap<Long, CardEvent>>> it =
          data.events.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<String, NavigableMap<Long, CardEvent>> card = it.next();
        if (card.getValue().lastEntry().getValue().atMillis() < olderThanMillis) {
          it.remove();
          data.snapshots.remove(card.getKey());
          removed++;
        }
      }
      return removed; // one snapshot per card is kept, so there is never a superseded one to drop
    } finally {
      data.lock.writeLock().unlock();
    }
  }

  @Override
  public List<PendingDelivery> claimDue(
      String owner, long nowMillis, long leaseUntilMillis, int limit) {
    return write(
        () -> {
          List<PendingDelivery> claimed =
              data.deliveries.values().stream()
                  .filter(
                      d ->
                          d.dueAtMillis() <= nowMillis
                              && (d.leaseOwner() == null || d.leaseUntilMillis() <= nowMillis))
                  .sorted(DUE_ORDER)
                  .limit(limit)
                  .map(
                      d ->
                          withLease(
                              d, d.failedAttempts(), d.dueAtMillis(), owner, leaseUntilMillis))
                  .collect(Collectors.toList());
          claimed.forEach(d -> data.deliveries.put(d.eventId(), d));
          return claimed;
        });
  }

  @Override
  public boolean finish(String eventId, String owner) {
    return write(() -> held(eventId, owner) && data.deliveries.remove(eventId) != null);
  }

  @Override
  public boolean retryLater(String eventId, String owner, int failedAttempts, long dueAtMillis) {
    return write(
        () -> {
          if (!held(eventId, owner)) {
            return false;
          }
          data.deliveries.put(
              eventId,
              withLease(data.deliveries.get(eventId), failedAttempts, dueAtMillis, null, 0));
          return true;
        });
  }

  @Override
  public int releaseLeases(String owner) {
    return write(() -> release(owner));
  }

  @Override
  public int releaseEveryLease() {
    return write(() -> release(null));
  }

  @Override
  public List<PendingDelivery> pendingDeliveries() {
    return read(
        () -> data.deliveries.values().stream().sorted(DUE_ORDER).collect(Collectors.toList()));
  }

  private boolean held(String eventId, String owner) {
    PendingDelivery d = data.deliveries.get(eventId);
    return d != null && owner.equals(d.leaseOwner());
  }

  private int release(String owner) {
    List<PendingDelivery> held =
        data.deliveries.values().stream()
            .filter(d -> d.leaseOwner() != null && (owner == null || owner.equals(d.leaseOwner())))
            .collect(Collectors.toList());
    held.forEach(
        d ->
            data.deliveries.put(
                d.eventId(), withLease(d, d.failedAttempts(), d.dueAtMillis(), null, 0)));
    return held.size();
  }

  private static PendingDelivery withLease(
      PendingDelivery d, int failedAttempts, long dueAt, String owner, long leaseUntil) {
    return new PendingDelivery(
        d.eventId(),
        d.appId(),
        d.payload(),
        failedAttempts,
        dueAt,
        owner,
        leaseUntil,
        d.createdAtMillis());
  }

  private <T> T write(Supplier<T> change) {
    if (closed) {
      throw closedException();
    }
    data.lock.writeLock().lock();
    try {
      return change.get();
    } finally {
      data.lock.writeLock().unlock();
    }
  }

  /**
   * Ends this handle: later calls on it fail with {@link StorageFailure#OTHER}. The data stays for
   * {@link #reopen}.
   */
  @Override
  public void close() {
    closed = true;
  }

  private <T> T read(Supplier<T> query) {
    if (closed) {
      throw closedException();
    }
    data.lock.readLock().lock();
    try {
      return query.get();
    } finally {
      data.lock.readLock().unlock();
    }
  }

  private static void requireNonNegative(String name, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " cannot be negative: " + value);
    }
  }

  private static StorageException closedException() {
    return new StorageException(StorageFailure.OTHER, "the in-memory store is closed", null);
  }

  /** Everything stored, shared by the handles of one store. Guarded by {@code lock}. */
  private static final class Data {
    final ReadWriteLock lock = new ReentrantReadWriteLock();
    final Map<String, NavigableMap<Long, CardEvent>> events = new HashMap<>();
    final Map<String, CardSnapshot> snapshots = new HashMap<>();
    final Map<String, MessageRecord> messages = new HashMap<>();
    final Map<String, String> meta = new HashMap<>();
    final Map<String, MessageRecord> uuids =
        new HashMap<>(); // sender + uuid -> the message that claimed it
    final Map<String, PendingDelivery> deliveries = new HashMap<>();
    final Map<String, StoredImage> images = new HashMap<>();
  }
}
