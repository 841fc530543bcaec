package io.opencardkit.server.cards;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.ApiException;
import io.opencardkit.core.ErrorCode;
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
import io.opencardkit.core.store.StorageException;
import io.opencardkit.core.store.StorageFailure;
import io.opencardkit.core.store.WriteBatch;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the card state machine against the store: one writer per card, acknowledgement after
 * durability, and correct when several nodes share the store.
 *
 * <p>Implementation notes:
 *
 * <ul>
 *   <li>Each card has a {@link CardHandle}; its monitor serialises deciding, applying and queueing
 *       a commit, so the in-memory state and the log advance in the same order.
 *   <li>A card's commits are chained: batch N+1 is handed to the store only after batch N is
 *       durable. If a commit fails, the later ones of that card fail with it, the handle is retired
 *       (dropped from memory) and the card is reloaded from the store on next use, so memory never
 *       runs ahead of what is stored.
 *   <li>Several nodes: each keeps its own cached copy of a card, which another node's write makes
 *       stale. The store refuses a batch whose versions are already stored ({@link
 *       StorageFailure#CONSTRAINT_VIOLATION}), so a decision taken on a stale copy can never be
 *       stored; the runtime then reloads the card and decides the same request again ({@value
 *       #MAX_ATTEMPTS} attempts at most). A refusal changes nothing the store could check, so with
 *       a shared store a refusal that a newer state could turn into an acceptance (anything but
 *       expiry, owner, uuid conflict, rate limit and sequence, which only get more certain with
 *       more events) is confirmed first: if the store holds newer events, the card is reloaded and
 *       the request decided again. Other nodes' events reach the cache through {@link
 *       #applyFromFeed} (the bus), which keeps hot copies fresh and cheap.
 *   <li>Reads cannot count on the bus: a node may die between its commit and its broadcast, and its
 *       last acknowledged versions then reach no other node's cache. So with a shared store
 *       whatever answers about a card (API and web chat reads, a page's resume) first compares the
 *       copy with the version the store holds, one query for all the cards of a request, and
 *       catches up when behind ({@link #findCurrent}, {@link #refresh(Collection)}). Writes need no
 *       such look: the store refuses a batch decided on a stale copy.
 *   <li>Every {@value #SNAPSHOT_EVERY} events a snapshot rides along in the same batch, bounding
 *       replay on load.
 *   <li>Listeners hear about events only after commit, through the {@link CardFeed}, once each, in
 *       version order, whichever node committed them.
 *   <li>A user's interaction locks the card through events ({@code interaction_started}/{@code
 *       interaction_ended}), so the lock holds on every node; it ends when the bot's answer is
 *       applied, when the interaction ends any other way, or at its deadline.
 * </ul>
 */
public final class CardRuntime {
  static final int SNAPSHOT_EVERY = 100;
  static final int MAX_ATTEMPTS = 10;
  private static final int MAX_CREATE_ATTEMPTS = 5;

  /**
   * How many times a refresh waits for a card's own commits in flight before it reads the store's
   * events anyway.
   */
  private static final int SETTLE_ATTEMPTS = 3;

  private static final Logger LOG = LoggerFactory.getLogger(CardRuntime.class);

  /** Refusals that a newer state of the card would only confirm: no need to ask the store. */
  private static final Set<ErrorCode> CERTAIN_REFUSALS =
      Set.of(
          ErrorCode.CARD_EXPIRED,
          ErrorCode.NOT_CARD_OWNER,
          ErrorCode.UUID_CONFLICT,
          ErrorCode.RATE_LIMITED,
          ErrorCode.SEQUENCE_NOT_INCREASING);

  private final CardStore store;
  private final CardEngine engine;
  private final Executor loader;
  private final CardIds ids;
  private final boolean sharedStore;
  private final Map<String, CardHandle> cards = new ConcurrentHashMap<>();
  private final CardFeed feed;
  private final AtomicReference<CompletableFuture<Void>> queuedCatchUp = new AtomicReference<>();

  /** A runtime that is the only writer of its store (one node). */
  public CardRuntime(CardStore store, CardEngine engine, Executor loader, CardIds ids) {
    this(store, engine, loader, ids, false);
  }

  /**
   * @param sharedStore whether other nodes write to the same store, so that cached cards may be
   *     stale
   */
  public CardRuntime(
      CardStore store, CardEngine engine, Executor loader, CardIds ids, boolean sharedStore) {
    this.store = store;
    this.engine = engine;
    this.loader = loader;
    this.ids = ids;
    this.sharedStore = sharedStore;
    this.feed = new CardFeed(store, this::applyFromFeed);
  }

  /**
   * A card in memory with its commit chain. Lock it (synchronized) to read or change it
   * consistently.
   */
  public static final class CardHandle {
    private final CardState state;
    private CompletableFuture<Void> lastCommit = CompletableFuture.completedFuture(null);
    private long snapshotVersion;
    private long durableVersion; // the version up to which the state is known to be in the store
    private boolean retired; // dropped from the cache: a newer handle (or none) stands for the card

    CardHandle(CardState state, long snapshotVersion) {
      this.state = state;
      this.snapshotVersion = snapshotVersion;
      this.durableVersion = state.version();
    }

    public CardState state() {
      return state;
    }

    /**
     * Completes (normally, whatever the outcome) once the commits queued so far for this card are
     * done; at once when none is pending. The state may hold their events before: read it after
     * this to see only what is stored.
     */
    public CompletableFuture<Void> settled() {
      CompletableFuture<Void> last;
      synchronized (this) {
        last = lastCommit;
      }
      return last.isDone() ? CompletableFuture.completedFuture(null) : last.handle((v, e) -> null);
    }
  }

  /**
   * What a decision under a card's monitor produced: events already applied to the state, messages
   * stored in the same batch, and the caller's value.
   */
  public record Decided<T>(List<CardEvent> events, List<MessageRecord> messages, T value) {
    public Decided {
      events = List.copyOf(events);
      messages = List.copyOf(messages);
    }
  }

  /**
   * Decides a write from the card's state, under its monitor; may throw {@link ApiException}
   * (having applied nothing). May run more than once for one request, on fresh state each time,
   * when another node changed the card.
   */
  @FunctionalInterface
  public interface Decision<T> {
    Decided<T> decide(CardHandle handle);
  }

  public CardEngine engine() {
    return engine;
  }

  public void addListener(CardEventListener listener) {
    feed.addListener(listener);
  }

  /** Creates a card from validated JSON; completes with its id once durable. */
  public CompletableFuture<String> create(String appId, ObjectNode card) {
    return createAttempt(appId, card, 1); // throws ApiException for a refused card
  }

  private CompletableFuture<String> createAttempt(String appId, ObjectNode card, int attempt) {
    CompletableFuture<String> created;
    // Issuing the id and queueing its batch under one lock makes batches reach the store in id
    // order, so the last id
    // recorded in the store's meta is the highest one issued: a restart continues after it (see
    // CardIds). With a
    // shared store the nodes' ids interleave anyway, and one meta row written by every creation of
    // every node would
    // serialise them; uniqueness is the store's refusal of a second version 1, retried below with
    // the next id.
    synchronized (ids) {
      String cardId = ids.next();
      CardEvent event = engine.create(cardId, appId, card);
      CardState state = new CardState(cardId);
      state.apply(event);
      CardHandle handle = new CardHandle(state, 0);
      handle.durableVersion = 0;
      cards.put(cardId, handle);
      synchronized (handle) {
        Map<String, String> meta =
            sharedStore ? Map.of() : Map.of(CardIds.LAST_ISSUED_META_KEY, cardId);
        created = commit(handle, List.of(event), List.of(), meta).thenApply(v -> cardId);
      }
    }
    // Another node issued the same id (the same node number and millisecond): take the next one.
    return created.exceptionallyCompose(
        failure ->
            isConflict(failure) && attempt < MAX_CREATE_ATTEMPTS
                ? createAttempt(appId, card, attempt + 1)
                : CompletableFuture.failedFuture(failure));
  }

  /** The card, loaded from the store when not in memory; empty for an unknown id. */
  public CompletableFuture<Optional<CardHandle>> find(String cardId) {
    CardHandle cached = cards.get(cardId);
    if (cached != null) {
      return CompletableFuture.completedFuture(Optional.of(cached));
    }
    return CompletableFuture.supplyAsync(
        () -> Optional.ofNullable(cards.computeIfAbsent(cardId, this::load)), loader);
  }

  /** Loads synchronously (blocking); for callers already off the event loop. */
  public Optional<CardHandle> findBlocking(String cardId) {
    CardHandle cached = cards.get(cardId);
    return cached != null
        ? Optional.of(cached)
        : Optional.ofNullable(cards.computeIfAbsent(cardId, this::load));
  }

  /** The card if it is in memory, without loading it. */
  public Optional<CardHandle> cached(String cardId) {
    return Optional.ofNullable(cards.get(cardId));
  }

  private CardHandle load(String cardId) {
    Optional<LoadedCard> loaded = store.loadCard(cardId);
    if (loaded.isEmpty()) {
      return null;
    }
    CardSnapshot snapshot = loaded.get().snapshot();
    CardState state =
        snapshot == null
            ? new CardState(cardId)
            : CardStateCodec.read(cardId, snapshot.stateJson());
    loaded.get().eventsAfter().forEach(state::apply);
    return new CardHandle(state, snapshot == null ? 0 : snapshot.version());
  }

  /**
   * Decides and applies a mutation of a known card; completes with the outcome once its events are
   * durable.
   */
  public CompletableFuture<Outcome> mutate(CardHandle handle, Mutation mutation) {
    return write(
        handle,
        h -> {
          Outcome outcome = engine.execute(h.state, mutation);
          return new Decided<>(outcome.events(), List.of(), outcome);
        });
  }

  /**
   * {@link #mutate(CardHandle, Mutation)} of the card {@code cardId}; 200740 for an unknown card.
   */
  public CompletableFuture<Outcome> mutate(String cardId, Mutation mutation) {
    return find(cardId)
        .thenCompose(
            handle ->
                mutate(
                    handle.orElseThrow(() -> new ApiException(ErrorCode.CARD_NOT_FOUND)),
                    mutation));
  }

  /**
   * Decides a write under the card's monitor and commits what it produced after the card's previous
   * batch; completes with the decision's value once durable. When another node changed the card
   * first, reloads it and decides again. A decision that produced nothing answers once the card's
   * earlier commits are durable (a replay must not be acknowledged before the original).
   */
  public <T> CompletableFuture<T> write(CardHandle handle, Decision<T> decision) {
    return attempt(handle, decision, 1);
  }

  private <T> CompletableFuture<T> attempt(CardHandle handle, Decision<T> decision, int attempt) {
    CompletableFuture<Decided<T>> written;
    synchronized (handle) {
      if (handle.retired) {
        return again(handle, decision, attempt);
      }
      Decided<T> decided;
      try {
        decided = decision.decide(handle);
      } catch (ApiException refusal) {
        return refused(handle, decision, attempt, refusal, CompletableFuture.failedFuture(refusal));
      }
      written =
          decided.events().isEmpty() && decided.messages().isEmpty()
              ? handle.lastCommit.thenApply(v -> decided)
              : commit(handle, decided.events(), decided.messages()).thenApply(v -> decided);
    }
    return written
        .thenCompose(
            decided -> {
              ApiException refusal =
                  decided.value() instanceof Outcome ? ((Outcome) decided.value()).refusal() : null;
              return refusal == null
                  ? CompletableFuture.completedFuture(decided.value())
                  : refused(
                      handle,
                      decision,
                      attempt,
                      refusal,
                      CompletableFuture.completedFuture(decided.value()));
            })
        .exceptionallyCompose(
            failure ->
                isConflict(failure) && attempt < MAX_ATTEMPTS
                    ? again(handle, decision, attempt)
                    : CompletableFuture.failedFuture(failure));
  }

  /**
   * Answers a refusal, first making sure (with a shared store) that it was not decided on a stale
   * copy of the card.
   */
  private <T> CompletableFuture<T> refused(
      CardHandle handle,
      Decision<T> decision,
      int attempt,
      ApiException refusal,
      CompletableFuture<T> answer) {
    if (!sharedStore || CERTAIN_REFUSALS.contains(refusal.code()) || attempt >= MAX_ATTEMPTS) {
      return answer;
    }
    long known;
    synchronized (handle) {
      known = handle.state.version();
    }
    return CompletableFuture.supplyAsync(
            () -> store.events(handle.state.cardId(), known, 1).isEmpty(), loader)
        .thenCompose(current -> current ? answer : again(handle, decision, attempt));
  }

  /** Retires the handle, loads the card afresh and decides again. */
  private <T> CompletableFuture<T> again(CardHandle handle, Decision<T> decision, int attempt) {
    retire(handle);
    String cardId = handle.state.cardId();
    return find(cardId)
        .thenCompose(
            fresh ->
                fresh.isPresent()
                    ? attempt(fresh.get(), decision, attempt + 1)
                    : CompletableFuture.failedFuture(new ApiException(ErrorCode.CARD_NOT_FOUND)));
  }

  private void retire(CardHandle handle) {
    synchronized (handle) {
      handle.retired = true;
    }
    cards.remove(handle.state.cardId(), handle);
  }

  private static boolean isConflict(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause instanceof StorageException
        && ((StorageException) cause).failure() == StorageFailure.CONSTRAINT_VIOLATION;
  }

  /**
   * Records that a user's interaction was handed to the bot: until it ends or {@code untilMillis}
   * (engine clock) passes, CardKit calls for the card are refused with 200810 on every node.
   * Completes once durable.
   */
  public CompletableFuture<Void> lockInteraction(CardHandle handle, long untilMillis) {
    return write(
        handle,
        h ->
            new Decided<>(List.of(engine.startInteraction(h.state, untilMillis)), List.of(), null));
  }

  /**
   * Ends one interaction that changed nothing (no card in the answer, a refused card, no answer).
   */
  public CompletableFuture<Void> unlockInteraction(CardHandle handle) {
    return write(
        handle,
        h ->
            new Decided<>(
                engine.endInteraction(h.state).map(List::of).orElse(List.of()), List.of(), null));
  }

  /**
   * Applies the card a bot answered a callback with and ends that interaction, in one batch, so
   * that no CardKit call slips in between; completes once durable. A refused card still ends the
   * interaction: the future then fails with the refusal once that is durable.
   */
  public CompletableFuture<Void> applyCallbackCard(
      CardHandle handle, String appId, ObjectNode card) {
    return write(
            handle,
            h -> {
              List<CardEvent> events = new ArrayList<>(2);
              ApiException refusal = null;
              try {
                events.add(engine.replaceFromCallback(h.state, appId, card));
              } catch (ApiException e) {
                refusal = e;
              }
              engine.endInteraction(h.state).ifPresent(events::add);
              return new Decided<>(events, List.of(), refusal);
            })
        .thenCompose(
            refusal ->
                refusal == null
                    ? CompletableFuture.<Void>completedFuture(null)
                    : CompletableFuture.failedFuture(refusal));
  }

  /**
   * Replaces the card with one a bot sent through the delayed update ({@code
   * interactive/v1/card/update}) after it answered a callback: the same full update without a
   * sequence as a callback's card, but it ends no interaction (another user's may be in flight).
   * Completes once durable, or fails with the refusal (nothing applied).
   */
  public CompletableFuture<Void> applyDelayedCard(
      CardHandle handle, String appId, ObjectNode card) {
    return write(
        handle,
        h ->
            new Decided<Void>(
                List.of(engine.replaceFromCallback(h.state, appId, card)), List.of(), null));
  }

  /**
   * Queues events (already applied to the handle's state) and messages for commit after the card's
   * previous batch. Call with the handle's monitor held.
   */
  CompletableFuture<Void> commit(
      CardHandle handle, List<CardEvent> events, List<MessageRecord> messages) {
    return commit(handle, events, messages, Map.of());
  }

  private CompletableFuture<Void> commit(
      CardHandle handle,
      List<CardEvent> events,
      List<MessageRecord> messages,
      Map<String, String> meta) {
    List<CardSnapshot> snapshots = new ArrayList<>(1);
    if (handle.state.version() - handle.snapshotVersion >= SNAPSHOT_EVERY) {
      snapshots.add(
          new CardSnapshot(
              handle.state.cardId(), handle.state.version(), CardStateCodec.write(handle.state)));
      handle.snapshotVersion = handle.state.version();
    }
    long version = handle.state.version();
    WriteBatch batch = new WriteBatch(events, snapshots, messages, meta);
    CompletableFuture<Void> committed = handle.lastCommit.thenCompose(v -> store.commit(batch));
    handle.lastCommit = committed;
    committed.whenComplete(
        (v, failure) -> {
          if (failure != null) {
            retire(handle); // reload what is really on disk next time
            return;
          }
          synchronized (handle) {
            handle.durableVersion = Math.max(handle.durableVersion, version);
          }
          if (!events.isEmpty()) {
            feed.committed(events);
          }
        });
    return committed;
  }

  /**
   * Events in version order, without gaps, from the feed (committed here or by another node),
   * before the listeners hear of them: brings this node's copy of the card up to date. A copy that
   * cannot follow (our own commit of other events at those versions is in flight, which the store
   * will refuse; or the copy is not where the events start) is retired. Either way the card is then
   * in memory at least at the events' version, loaded from the store if need be (this runs on the
   * feed's thread, which may block), so that the listeners read fresh state.
   */
  private void applyFromFeed(List<CardEvent> events) {
    String cardId = events.get(0).cardId();
    CardHandle handle = cards.get(cardId);
    if (handle != null) {
      synchronized (handle) {
        for (CardEvent event : events) {
          if (event.version() <= handle.durableVersion) {
            continue; // our own, or loaded from the store already
          }
          if (handle.state.version() != handle.durableVersion
              || event.version() != handle.state.version() + 1) {
            handle.retired = true;
            cards.remove(cardId, handle);
            break;
          }
          handle.state.apply(event);
          handle.durableVersion = event.version();
        }
      }
    }
    try {
      findBlocking(cardId);
    } catch (StorageException e) {
      // The listeners load it themselves when they need it.
    }
  }

  /**
   * Events another node committed, in version order (the feed fills any gap); {@code then} runs
   * after them.
   */
  public void committedElsewhere(List<CardEvent> events, Runnable then) {
    feed.committed(events, then);
  }

  /**
   * The card as this node may answer about it (reads: API, web chat, a click's context): loaded
   * when not in memory, and first, with a shared store, brought up to every version stored by any
   * node ({@link #refresh(Collection)}), so that nothing another node acknowledged is missing;
   * empty for an unknown id.
   */
  public CompletableFuture<Optional<CardHandle>> findCurrent(String cardId) {
    return refresh(List.of(cardId)).thenCompose(v -> find(cardId));
  }

  /** {@link #findCurrent} for callers already off the event loop (blocking). */
  public Optional<CardHandle> findCurrentBlocking(String cardId) {
    refreshBlocking(List.of(cardId));
    return findBlocking(cardId);
  }

  /**
   * With a shared store, brings this node's copies of the cards, and what its listeners (the
   * viewers) heard of them, up to what the store holds: another node may have acknowledged versions
   * this node never heard of (it died, or lost the bus, between its commit and its broadcast). One
   * query asks the store for the cards' versions (their head rows); events are read only for a card
   * found behind, through the feed, so the listeners hear of them too. Completes once done;
   * normally also when the store cannot be read (the copies then stay as they were: while the
   * database is unreachable, no node can acknowledge anything either). Does nothing on a node alone
   * with its store.
   */
  public CompletableFuture<Void> refresh(Collection<String> cardIds) {
    if (!sharedStore || cardIds.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return CompletableFuture.supplyAsync(() -> upToStored(cardIds), loader).thenCompose(f -> f);
  }

  /** {@link #refresh(Collection)} for callers already off the event loop: returns once done. */
  public void refreshBlocking(Collection<String> cardIds) {
    if (sharedStore && !cardIds.isEmpty()) {
      upToStored(cardIds).join();
    }
  }

  /**
   * {@link #refresh(Collection)} of one card (a page holds a newer version than this node knows).
   */
  public CompletableFuture<Void> refresh(String cardId) {
    return refresh(List.of(cardId));
  }

  /**
   * Brings every card this node holds or recently delivered to its listeners up to what the store
   * holds, after it may have missed other nodes' broadcasts: the bus reconnected, a node fell
   * silent (died, or lost the bus) or came back, or a node's broadcasts arrived with a gap. One
   * query per thousand cards, then the events of the cards found behind. A request made while
   * another waits to start shares it.
   */
  public CompletableFuture<Void> catchUp() {
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> waiting = queuedCatchUp.compareAndExchange(null, mine);
    if (waiting != null) {
      return waiting; // it has not read anything yet, so it will see whatever this request is about
    }
    loader.execute(
        () -> {
          queuedCatchUp.compareAndSet(mine, null);
          try {
            Set<String> cardIds = new HashSet<>(cards.keySet());
            cardIds.addAll(feed.trackedCards());
            upToStored(cardIds).whenComplete((v, e) -> mine.complete(null));
          } catch (RuntimeException e) {
            LOG.warn("catching up from the store failed: {}", e.toString());
            mine.complete(null);
          }
        });
    return mine;
  }

  /** Blocking (the store query): call on the loader. */
  private CompletableFuture<Void> upToStored(Collection<String> cardIds) {
    Map<String, Long> stored;
    try {
      stored = store.storedVersions(cardIds);
    } catch (StorageException e) {
      LOG.debug("cannot read the stored versions of {} cards: {}", cardIds.size(), e.getMessage());
      return CompletableFuture.completedFuture(null);
    }
    List<CompletableFuture<Void>> each = new ArrayList<>();
    stored.forEach((cardId, version) -> each.add(upTo(cardId, version, SETTLE_ATTEMPTS)));
    return CompletableFuture.allOf(each.toArray(new CompletableFuture<?>[0]));
  }

  /**
   * Brings the cached copy of one card, and the feed, up to {@code stored}. Own commits in flight
   * are waited for first (they may be the versions stored: completing them is cheaper than
   * reloading). Nothing to do when both the copy (or no copy: a load reads the store) and the feed
   * are there already, the usual case; else the feed reads the missing events, applies them to the
   * copy and hands them to the listeners.
   */
  private CompletableFuture<Void> upTo(String cardId, long stored, int settleAttempts) {
    CardHandle handle = cards.get(cardId);
    long known = stored;
    if (handle != null) {
      CompletableFuture<Void> settling = null;
      synchronized (handle) {
        if (!handle.lastCommit.isDone() && settleAttempts > 0) {
          settling = handle.settled();
        }
        known = handle.durableVersion;
      }
      if (settling != null) {
        return settling.thenCompose(v -> upTo(cardId, stored, settleAttempts - 1));
      }
    }
    Long delivered = feed.lastDelivered(cardId);
    if (known >= stored && (delivered == null || delivered >= stored)) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    feed.catchUp(cardId, known, stored, done);
    return done.thenRun(() -> retireIfBehind(cardId, stored));
  }

  /**
   * Drops a copy still behind {@code stored} once the feed handed on what the store holds (the copy
   * was loaded just before events the feed had delivered already): the next use loads the card.
   */
  private void retireIfBehind(String cardId, long stored) {
    CardHandle handle = cards.get(cardId);
    if (handle == null) {
      return;
    }
    synchronized (handle) {
      if (handle.durableVersion >= stored || !handle.lastCommit.isDone()) {
        return;
      }
      handle.retired = true;
    }
    cards.remove(cardId, handle);
  }

  /**
   * Records the end of streaming on cards whose window has run out, so previews and viewers see it
   * without waiting for the bot's next call (which will still hear 200850 once). With several
   * nodes, each sweeps the cards it holds; the store keeps the first timeout recorded and refuses
   * the others.
   */
  public void sweepStreamingTimeouts() {
    for (CardHandle handle : cards.values()) {
      synchronized (handle) {
        if (!handle.retired) {
          engine
              .expireStreaming(handle.state)
              .ifPresent(event -> commit(handle, List.of(event), List.of()));
        }
      }
    }
  }

  /** Drops idle cards from memory (they reload from the store on next use). */
  // a ConcurrentHashMap: removing while iterating is allowed
  @SuppressWarnings("ModifyCollectionInEnhancedForLoop")
  public void evictIdle(long keep) {
    if (cards.size() <= keep) {
      return;
    }
    long now = engine.clock().millis();
    long timeout = engine.limits().streamingTimeout().toMillis();
    for (CardHandle handle : cards.values()) {
      if (cards.size() <= keep) {
        return;
      }
      synchronized (handle) {
        if (handle.lastCommit.isDone()
            && !handle.state.interactionLocked(now)
            && !handle.state.isStreaming(now, timeout)) {
          cards.remove(handle.state.cardId(), handle);
        }
      }
    }
  }

  /** Stops the feed's thread. */
  public void close() {
    feed.close();
  }
}
