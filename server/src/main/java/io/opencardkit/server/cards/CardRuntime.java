package io.opencardkit.server.cards;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.engine.CardEngine;
import io.opencardkit.core.engine.CardEvent;
import io.opencardkit.core.engine.CardState;
import io.opencardkit.core.engine.CardStateCodec;
import io.opencardkit.core.engine.Mutation;
import io.opencardkit.core.engine.Outcome;
import io.opencardkit.core.store.CardSnapshot;
import io.opencardkit.core.store.CardStore;
import io.opencardkit.core.store.LoadedCard;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.core.store.WriteBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/**
 * Runs the card state machine against the store: one writer per card, acknowledgement after durability.
 *
 * <p>Implementation notes:
 *
 * <ul>
 *   <li>Each card has a {@link CardHandle}; its monitor serialises deciding, applying and queueing a commit, so the
 *       in-memory state and the log advance in the same order.
 *   <li>A card's commits are chained: batch N+1 is handed to the store only after batch N is durable. If a commit
 *       fails, the later ones of that card fail with it, the card is dropped from memory and reloaded from disk on
 *       next use, so memory never runs ahead of what is stored. Different cards commit independently and share the
 *       store's group commit.
 *   <li>Every {@value #SNAPSHOT_EVERY} events a snapshot rides along in the same batch, bounding replay on load.
 *   <li>Listeners hear about events only after commit, so nobody ever sees a change that a crash could take back.
 *   <li>A card a user is interacting with (its callback is with the bot) is locked in memory: until the bot's answer
 *       is applied, or the lock's deadline passes, CardKit mutations are refused with 200810. The lock is not
 *       persisted (a restart forgets it, as it forgets the callback in flight), and a locked card is never evicted.
 * </ul>
 */
public final class CardRuntime {
  static final int SNAPSHOT_EVERY = 100;

  private final CardStore store;
  private final CardEngine engine;
  private final Executor loader;
  private final CardIds ids;
  private final Map<String, CardHandle> cards = new ConcurrentHashMap<>();
  private final List<CardEventListener> listeners = new CopyOnWriteArrayList<>();

  public CardRuntime(CardStore store, CardEngine engine, Executor loader, CardIds ids) {
    this.store = store;
    this.engine = engine;
    this.loader = loader;
    this.ids = ids;
  }

  /** A card in memory with its commit chain. Lock it (synchronized) to read or change it consistently. */
  public static final class CardHandle {
    private final CardState state;
    private CompletableFuture<Void> lastCommit = CompletableFuture.completedFuture(null);
    private long snapshotVersion;
    private int interactionsInFlight; // callbacks of this card that the bot has not answered yet
    private long interactionLockedUntil = Long.MIN_VALUE; // meaningful while interactionsInFlight > 0

    CardHandle(CardState state, long snapshotVersion) {
      this.state = state;
      this.snapshotVersion = snapshotVersion;
    }

    public CardState state() {
      return state;
    }
  }

  public CardEngine engine() {
    return engine;
  }

  public void addListener(CardEventListener listener) {
    listeners.add(listener);
  }

  /** Creates a card from validated JSON; completes with its id once durable. */
  public CompletableFuture<String> create(String appId, ObjectNode card) {
    // Issuing the id and queueing its batch under one lock makes batches reach the store in id order, so the last id
    // recorded in the store's meta is the highest one issued: a restart continues after it (see CardIds).
    synchronized (ids) {
      String cardId = ids.next();
      CardEvent created = engine.create(cardId, appId, card); // throws ApiException for a refused card
      CardState state = new CardState(cardId);
      state.apply(created);
      CardHandle handle = new CardHandle(state, 0);
      cards.put(cardId, handle);
      synchronized (handle) {
        return commit(handle, List.of(created), List.of(), Map.of(CardIds.LAST_ISSUED_META_KEY, cardId))
            .thenApply(v -> cardId);
      }
    }
  }

  /** The card, loaded from the store when not in memory; empty for an unknown id. */
  public CompletableFuture<Optional<CardHandle>> find(String cardId) {
    CardHandle cached = cards.get(cardId);
    if (cached != null) {
      return CompletableFuture.completedFuture(Optional.of(cached));
    }
    return CompletableFuture.supplyAsync(() -> Optional.ofNullable(cards.computeIfAbsent(cardId, this::load)), loader);
  }

  /** Loads synchronously (blocking); for callers already off the event loop. */
  public Optional<CardHandle> findBlocking(String cardId) {
    CardHandle cached = cards.get(cardId);
    return cached != null ? Optional.of(cached) : Optional.ofNullable(cards.computeIfAbsent(cardId, this::load));
  }

  private CardHandle load(String cardId) {
    Optional<LoadedCard> loaded = store.loadCard(cardId);
    if (loaded.isEmpty()) {
      return null;
    }
    CardSnapshot snapshot = loaded.get().snapshot();
    CardState state = snapshot == null ? new CardState(cardId) : CardStateCodec.read(cardId, snapshot.stateJson());
    loaded.get().eventsAfter().forEach(state::apply);
    return new CardHandle(state, snapshot == null ? 0 : snapshot.version());
  }

  /** Decides and applies a mutation; completes with the outcome once its events (if any) are durable. */
  public CompletableFuture<Outcome> mutate(CardHandle handle, Mutation mutation) {
    synchronized (handle) {
      long lockedUntil = handle.interactionsInFlight > 0 ? handle.interactionLockedUntil : Long.MIN_VALUE;
      Outcome outcome = engine.execute(handle.state, mutation, lockedUntil);
      if (outcome.events().isEmpty()) {
        // A replay answers only once the original is durable; a refusal changed nothing and answers at once.
        return outcome.replayed() ? handle.lastCommit.thenApply(v -> outcome) : CompletableFuture.completedFuture(outcome);
      }
      return commit(handle, outcome.events(), List.of()).thenApply(v -> outcome);
    }
  }

  /**
   * Locks the card for a user's interaction until the bot's answer is applied ({@link #applyCallbackCard}), the
   * interaction ends ({@link #unlockInteraction}) or {@code untilMillis} (engine clock) passes. Interactions of
   * several users overlap: the card stays locked until all of them ended.
   */
  public void lockInteraction(CardHandle handle, long untilMillis) {
    synchronized (handle) {
      handle.interactionLockedUntil = handle.interactionsInFlight == 0 ? untilMillis : Math.max(handle.interactionLockedUntil, untilMillis);
      handle.interactionsInFlight++;
    }
  }

  /** Ends one interaction that changed nothing (no card in the answer, a refused card, no answer). */
  public void unlockInteraction(CardHandle handle) {
    synchronized (handle) {
      releaseInteraction(handle);
    }
  }

  private static void releaseInteraction(CardHandle handle) {
    if (handle.interactionsInFlight > 0 && --handle.interactionsInFlight == 0) {
      handle.interactionLockedUntil = Long.MIN_VALUE;
    }
  }

  /**
   * Applies the card a bot answered a callback with and ends that interaction, under the card's monitor so that no
   * CardKit call slips in between; completes once durable.
   *
   * @throws io.opencardkit.core.ApiException as {@link CardEngine#replaceFromCallback} refuses (the interaction still
   *     ends)
   */
  public CompletableFuture<Void> applyCallbackCard(CardHandle handle, String appId, ObjectNode card) {
    synchronized (handle) {
      try {
        CardEvent event = engine.replaceFromCallback(handle.state, appId, card);
        return commit(handle, List.of(event), List.of());
      } finally {
        releaseInteraction(handle);
      }
    }
  }

  /**
   * Queues events (already applied to the handle's state) and messages for commit after the card's previous batch.
   * Call with the handle's monitor held.
   */
  public CompletableFuture<Void> commit(CardHandle handle, List<CardEvent> events, List<MessageRecord> messages) {
    return commit(handle, events, messages, Map.of());
  }

  private CompletableFuture<Void> commit(
      CardHandle handle, List<CardEvent> events, List<MessageRecord> messages, Map<String, String> meta) {
    List<CardSnapshot> snapshots = new ArrayList<>(1);
    if (handle.state.version() - handle.snapshotVersion >= SNAPSHOT_EVERY) {
      snapshots.add(new CardSnapshot(handle.state.cardId(), handle.state.version(), CardStateCodec.write(handle.state)));
      handle.snapshotVersion = handle.state.version();
    }
    WriteBatch batch = new WriteBatch(events, snapshots, messages, meta);
    CompletableFuture<Void> committed = handle.lastCommit.thenCompose(v -> store.commit(batch));
    handle.lastCommit = committed;
    committed.whenComplete(
        (v, failure) -> {
          if (failure != null) {
            cards.remove(handle.state.cardId(), handle); // reload what is really on disk next time
          } else {
            listeners.forEach(l -> l.committed(events));
          }
        });
    return committed;
  }

  /**
   * Records the end of streaming on cards whose window has run out, so previews and viewers see it without waiting
   * for the bot's next call (which will still hear 200850 once).
   */
  public void sweepStreamingTimeouts() {
    for (CardHandle handle : cards.values()) {
      synchronized (handle) {
        engine.expireStreaming(handle.state).ifPresent(event -> commit(handle, List.of(event), List.of()));
      }
    }
  }

  /** Drops idle cards from memory (they reload from the store on next use). */
  public void evictIdle(long keep) {
    if (cards.size() <= keep) {
      return;
    }
    for (CardHandle handle : cards.values()) {
      if (cards.size() <= keep) {
        return;
      }
      synchronized (handle) {
        if (handle.lastCommit.isDone() && handle.interactionsInFlight == 0 && !handle.state.isStreaming(engine.clock().millis(), engine.limits().streamingTimeout().toMillis())) {
          cards.remove(handle.state.cardId(), handle);
        }
      }
    }
  }
}
