package io.opencardkit.server.cards;

import io.opencardkit.core.engine.CardEvent;
import io.opencardkit.core.store.CardStore;
import io.opencardkit.core.store.StorageException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands committed card events to the listeners (the web chat's hub) once each, in version order per
 * card, without gaps, whether this node committed them or another node did.
 *
 * <p>Implementation notes: everything runs on one thread of its own, in the order events were
 * handed over. It keeps, per card, the last version it delivered (the {@value #CURSORS} most
 * recently active cards). An event at or below it was delivered already (our own event coming back
 * from another path, or one read while filling a gap) and is dropped; one above the next expected
 * version means events are missing (another node's broadcast lost or still on its way, our own
 * commit not yet reported), so they are read from the store first. Store reads may block this
 * thread, never the store's writer, which only enqueues. Before the listeners hear of events,
 * {@code applyToCache} brings this node's cached copy of the card up to date, so what the hub reads
 * from it is never behind what it sends. A card the feed has no cursor for starts at whatever comes
 * first: there is nobody it could owe earlier events to that a snapshot would not serve.
 */
final class CardFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CardFeed.class);
  static final int CURSORS = 100_000;
  private static final int FILL_LIMIT = 10_000;

  private final CardStore store;
  private final Consumer<List<CardEvent>> applyToCache;
  private final List<CardEventListener> listeners = new CopyOnWriteArrayList<>();
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "okc-card-feed");
            t.setDaemon(true);
            return t;
          });
  // written on the feed's thread only; read by others too (a catch-up asks what was delivered),
  // hence the lock
  private final Map<String, Long> delivered =
      new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
          return size() > CURSORS;
        }
      };

  CardFeed(CardStore store, Consumer<List<CardEvent>> applyToCache) {
    this.store = store;
    this.applyToCache = applyToCache;
  }

  void addListener(CardEventListener listener) {
    listeners.add(listener);
  }

  /**
   * Events of one card, committed (here or by another node), in version order; {@code then} runs
   * after them.
   */
  void committed(List<CardEvent> events, Runnable then) {
    thread.execute(
        () -> {
          try {
            if (!events.isEmpty()) {
              deliver(events);
            }
            then.run();
          } catch (RuntimeException e) {
            LOG.error("delivering committed events failed", e);
          }
        });
  }

  void committed(List<CardEvent> events) {
    committed(events, () -> {});
  }

  /**
   * Hands on one card's events beyond the last one delivered (or, for a card not delivered yet,
   * beyond {@code knownVersion}) up to what the store holds, if that is below {@code
   * storedVersion}, the version the store was found to hold; {@code done} completes afterwards on
   * the feed's thread.
   */
  void catchUp(String cardId, long knownVersion, long storedVersion, CompletableFuture<Void> done) {
    thread.execute(
        () -> {
          try {
            Long last = lastDelivered(cardId);
            long from = last != null ? last : knownVersion;
            if (from < storedVersion) {
              List<CardEvent> missed = store.events(cardId, from, FILL_LIMIT);
              if (!missed.isEmpty()) {
                deliver(missed);
              }
            }
          } catch (StorageException e) {
            LOG.warn("cannot catch up card {}: {}", cardId, e.getMessage());
          } finally {
            done.complete(null);
          }
        });
  }

  /**
   * The last version of the card handed to the listeners, or null when the feed has not delivered
   * it (any thread).
   */
  Long lastDelivered(String cardId) {
    synchronized (delivered) {
      return delivered.get(cardId);
    }
  }

  /** The cards whose last delivered version the feed remembers (any thread). */
  List<String> trackedCards() {
    synchronized (delivered) {
      return new ArrayList<>(delivered.keySet());
    }
  }

  /**
   * Runs {@code task} on the feed's thread after everything handed over before; for tests and
   * orderly hand-offs.
   */
  void runAfterPending(Runnable task) {
    thread.execute(task);
  }

  private void deliver(List<CardEvent> events) {
    String cardId = events.get(0).cardId();
    Long last = lastDelivered(cardId);
    List<CardEvent> fresh = new ArrayList<>(events.size());
    for (CardEvent event : events) {
      if (last != null && event.version() <= last) {
        continue;
      }
      if (last != null && event.version() > last + 1) {
        fresh.addAll(missing(cardId, last, event.version()));
      }
      fresh.add(event);
      last = event.version();
    }
    if (fresh.isEmpty()) {
      return;
    }
    synchronized (delivered) {
      delivered.put(cardId, last);
    }
    applyToCache.accept(fresh);
    for (CardEventListener listener : listeners) {
      try {
        listener.committed(fresh);
      } catch (RuntimeException e) {
        LOG.warn("card event listener failed for card {}", cardId, e);
      }
    }
  }

  /**
   * The events strictly between {@code after} and {@code before}, read from the store; empty if it
   * cannot tell.
   */
  private List<CardEvent> missing(String cardId, long after, long before) {
    try {
      List<CardEvent> read =
          store.events(cardId, after, (int) Math.min(FILL_LIMIT, before - after - 1));
      List<CardEvent> gap = new ArrayList<>(read.size());
      long expected = after + 1;
      for (CardEvent e : read) {
        if (e.version() != expected || e.version() >= before) {
          break;
        }
        gap.add(e);
        expected++;
      }
      return gap;
    } catch (StorageException e) {
      // Delivering with a gap is still right: a page that notices one asks for a snapshot.
      LOG.warn(
          "cannot read the events of card {} after version {}: {}", cardId, after, e.getMessage());
      return List.of();
    }
  }

  @Override
  public void close() {
    thread.shutdown();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
