package io.opencardkit.server.web;

import io.netty.channel.Channel;
import io.opencardkit.core.engine.CardEvent;
import io.opencardkit.core.engine.EventType;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.server.ServerConfig;
import io.opencardkit.server.cards.CardRuntime;
import io.opencardkit.server.cards.CardRuntime.CardHandle;
import io.opencardkit.server.directory.Chat;
import io.opencardkit.server.directory.Directory;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes committed card events and messages to the browsers of the chats' members.
 *
 * <p>Implementation notes:
 *
 * <ul>
 *   <li>Two kinds of actors. The hub itself runs on one Vert.x context: it turns each committed
 *       event into its frame once ({@link OutFrame}: UTF-8 bytes and, when needed, compressed
 *       bytes), keeps the cards' resume windows and the streaming deadlines. Each event loop that
 *       serves viewer sockets has a {@link ViewerShard} that owns those sockets and their per-card
 *       versions, and writes to them on their own loop. The hub hands every frame to every shard as
 *       one task; no socket is written from another thread, and no frame is encoded twice.
 *   <li>Ordering: the runtime reports a card's events in version order after commit; the hub's
 *       context and each shard's context run their tasks in order, so frames of a card reach each
 *       socket in version order.
 *   <li>Snapshots and the streaming/summary values of a frame are read from the card's in-memory
 *       state under its handle's monitor. The state may be a few events ahead of what the hub has
 *       fanned out (events applied, commit pending); those events arrive later with versions at or
 *       below the snapshot's and are skipped, so a page never sees a gap or a duplicate.
 *   <li>Overload: see {@link ViewerConnection} and {@link NettySocket}; each socket's write queue
 *       is bounded by {@value #WRITE_QUEUE_BYTES} bytes.
 * </ul>
 */
final class ViewerHub {
  private static final Logger LOG = LoggerFactory.getLogger(ViewerHub.class);

  static final int WRITE_QUEUE_BYTES = 128 * 1024;
  private static final long TICK_MILLIS = 1000;

  /** How sockets are kept alive and closed (docs/deploy.md). */
  record Liveness(Duration pingInterval, Duration closeTimeout) {}

  private record Watch(String chatId, String messageId, long deadline) {}

  private final Vertx vertx;
  private final Context context;
  private final Clock clock;
  private final long streamingTimeoutMillis;
  private final Supplier<Directory> directory;
  private final CardRuntime runtime;
  private final MessageViews views;
  private final Liveness liveness;
  private final ServerConfig.WsCompression compression;
  private final ViewerStats stats = new ViewerStats();
  private final CardWindows windows;
  private final FrameExchange exchange = new FrameExchange();
  private final Map<Thread, ViewerShard> shards = new ConcurrentHashMap<>();
  private final Map<String, ChatWatch> watches =
      new ConcurrentHashMap<>(); // who watches which chat, on any shard
  private final Map<String, Watch> deadlines =
      new HashMap<>(); // streaming cards whose preview changes on time
  private final long timerId;
  private volatile boolean closed;

  ViewerHub(
      Vertx vertx,
      Clock clock,
      Duration streamingTimeout,
      Supplier<Directory> directory,
      CardRuntime runtime,
      MessageViews views,
      Liveness liveness,
      ServerConfig.WsCompression compression) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.clock = clock;
    this.streamingTimeoutMillis = streamingTimeout.toMillis();
    this.directory = directory;
    this.runtime = runtime;
    this.views = views;
    this.liveness = liveness;
    this.compression = compression;
    this.windows = new CardWindows(clock, CardWindows.ALL_WINDOWS_CHARS);
    this.timerId = vertx.setPeriodic(TICK_MILLIS, id -> context.runOnContext(v -> tick()));
  }

  ViewerStats stats() {
    return stats;
  }

  /** The frames this node ships to the other nodes of a cluster and takes from them. */
  FrameExchange exchange() {
    return exchange;
  }

  /** Open viewer sockets per event loop thread that has had any. */
  Map<String, Integer> connectionsPerLoop() {
    Map<String, Integer> perLoop = new java.util.TreeMap<>();
    shards.forEach((thread, shard) -> perLoop.put(thread.getName(), shard.openConnections()));
    return perLoop;
  }

  void close() {
    closed = true;
    vertx.cancelTimer(timerId);
    shards.values().forEach(ViewerShard::close);
  }

  // --- inputs from other threads
  // ------------------------------------------------------------------------------------

  /** Card events after commit (writer thread). */
  void cardEventsCommitted(List<CardEvent> events) {
    if (!events.isEmpty()) {
      onHubContext(v -> publish(events));
    }
  }

  /** A message after commit (writer thread). */
  void messageCommitted(MessageRecord record) {
    onHubContext(v -> publishMessage(record));
  }

  /**
   * Runs {@code task} on the hub's context. The node stops the hub before Vert.x, and the card feed
   * may still deliver a commit after both: once stopped, there is no page left to tell, and the
   * closed event loop's refusal is no failure.
   */
  private void onHubContext(Handler<Void> task) {
    if (closed) {
      return;
    }
    try {
      context.runOnContext(task);
    } catch (RejectedExecutionException e) {
      if (!closed) {
        throw e;
      }
    }
  }

  /** Shows a toast to one viewer's pages that can see the chat (any thread). */
  void toast(String openId, String chatId, String frame) {
    OutFrame toast = OutFrame.of(frame);
    shards.values().forEach(shard -> shard.toast(openId, chatId, toast));
  }

  /**
   * Sends a frame to one viewer's pages that can see the chat (any thread), e.g. that they read it
   * elsewhere.
   */
  void toViewer(String openId, String chatId, String frame) {
    toast(openId, chatId, frame); // the same delivery as a toast: one user's pages of one chat
  }

  /**
   * Closes every viewer's socket with "try again later" (any thread): the pages reconnect, reload
   * their chats over HTTP and resume their cards, so they catch up with whatever this node may have
   * missed (the cluster bus was down).
   */
  void reloadAll(String reason) {
    shards.values().forEach(shard -> shard.closeAll(ViewerConnection.TRY_AGAIN_LATER, reason));
  }

  /**
   * Closes every viewer's socket with 1001 "going away" (any thread): the node is stopping, and the
   * pages reconnect at once (to another node behind a balancer) and resume their cards. Completes
   * once every close was started.
   */
  java.util.concurrent.CompletableFuture<Void> goingAway() {
    return java.util.concurrent.CompletableFuture.allOf(
        shards.values().stream()
            .map(
                shard -> shard.closeAll(ViewerConnection.GOING_AWAY, "node is stopping: reconnect"))
            .toArray(java.util.concurrent.CompletableFuture[]::new));
  }

  /**
   * Remembers that a card's preview changes when its streaming window closes (a page was shown it
   * streaming).
   */
  void watchDeadline(CardFacts facts) {
    if (facts.streaming() && facts.chatId() != null) {
      context.runOnContext(
          v ->
              deadlines.put(
                  facts.cardId(), new Watch(facts.chatId(), facts.messageId(), facts.deadline())));
    }
  }

  /**
   * Takes over a socket of a signed-in viewer; call on the socket's context before it delivers
   * anything.
   *
   * @param channel the socket's Netty channel ({@link NettySocket#channelOf}), which its frames are
   *     written to
   */
  NettySocket open(Channel channel, String openId) {
    Set<String> chatIds =
        directory.get().chatsOf(openId).stream().map(Chat::chatId).collect(Collectors.toSet());
    return shards
        .computeIfAbsent(
            Thread.currentThread(),
            thread ->
                new ViewerShard(
                    this, vertx, vertx.getOrCreateContext(), clock, liveness, compression))
        .open(channel, openId, chatIds);
  }

  // --- for the shards (any thread)
  // ----------------------------------------------------------------------------------

  CardWindows windows() {
    return windows;
  }

  MessageViews views() {
    return views;
  }

  CardRuntime runtime() {
    return runtime;
  }

  /**
   * Whether a chat is watched by a socket of any shard, or was within a resume window's age: only
   * then are its cards' frames built. Thread-safe.
   */
  private static final class ChatWatch {
    private final AtomicInteger sockets = new AtomicInteger();
    private volatile long emptySinceMillis;

    void add(int delta, long nowMillis) {
      if (sockets.addAndGet(delta) == 0) {
        emptySinceMillis = nowMillis;
      }
    }

    boolean watched(long nowMillis) {
      return sockets.get() > 0 || nowMillis - emptySinceMillis < CardWindows.WINDOW_AGE.toMillis();
    }
  }

  /** A shard opened ({@code +1}) or closed ({@code -1}) a socket watching these chats. */
  void watching(Set<String> chatIds, int delta) {
    long now = clock.millis();
    for (String chatId : chatIds) {
      watches.computeIfAbsent(chatId, k -> new ChatWatch()).add(delta, now);
    }
  }

  /** Snapshots of a card remember its streaming deadline, as frames do. */
  void watch(CardFacts facts) {
    context.runOnContext(v -> watchOnContext(facts));
  }

  /**
   * Runs {@code action} on {@code target} with the card's handle, loading it off the event loop
   * when needed, once the card's pending commits settled: what is sent whole (a snapshot, a message
   * with its card) must never hold events a failed commit (another node got there first, or the
   * store is down) would take back. A commit that fails retires the handle, so the handle is looked
   * up again then.
   */
  void withHandle(String cardId, Context target, Consumer<CardHandle> action, Runnable unknown) {
    withHandle(cardId, target, action, unknown, true);
  }

  private void withHandle(
      String cardId,
      Context target,
      Consumer<CardHandle> action,
      Runnable unknown,
      boolean waitForCommits) {
    CompletableFuture<Optional<CardHandle>> found = runtime.find(cardId);
    found.whenComplete(
        (handle, failure) -> {
          if (failure != null || handle.isEmpty()) {
            target.runOnContext(v -> unknown.run());
            return;
          }
          CompletableFuture<Void> settled =
              waitForCommits ? handle.get().settled() : CompletableFuture.completedFuture(null);
          if (settled.isDone() && found.isDone() && Vertx.currentContext() == target) {
            // the common case: in memory, nothing pending, on the target context already
            action.accept(handle.get());
          } else if (settled.isDone()) {
            target.runOnContext(v -> action.accept(handle.get()));
          } else {
            settled.whenComplete(
                (v, e) ->
                    target.runOnContext(x -> withHandle(cardId, target, action, unknown, false)));
          }
        });
  }

  // --- on the hub's context
  // -----------------------------------------------------------------------------------------

  private void publish(List<CardEvent> events) {
    String cardId = events.get(0).cardId();
    long lastVersion = events.get(events.size() - 1).version();
    FrameExchange.CardFrames shipped = exchange.take(events);
    if (shipped != null) {
      publishShipped(shipped, events);
      return;
    }
    CardHandle handle = runtime.cached(cardId).orElse(null);
    if (handle == null) {
      // Evicted between commit and now (rare): nobody may rely on a window with a hole; resync the
      // chat by snapshot. Logged because it sends one snapshot to every viewer of the chat, and
      // because a benchmark saw it once without an eviction to explain it (benchmarks.md, stop 23).
      LOG.info(
          "card {} was not in memory when versions {}-{} were published: its chat's viewers get a"
              + " snapshot",
          cardId,
          events.get(0).version(),
          lastVersion);
      exchange.handled(cardId, lastVersion, null, null);
      windows.remove(cardId);
      withHandle(cardId, context, this::broadcastSnapshot, () -> {});
      return;
    }
    CardFacts facts;
    long sentVersion;
    synchronized (handle) {
      facts = CardFacts.of(handle.state(), clock.millis(), streamingTimeoutMillis);
      sentVersion = handle.state().sentVersion();
    }
    if (facts.chatId() == null || !watched(facts.chatId())) {
      // Not sent yet (no page can show it), or nobody on this node watches the chat, nor did within
      // a window's age (a
      // page that reconnects soon resumes from the window): no frames to build. A page that comes
      // later loads the card
      // over HTTP and resumes; without a window (a window with a hole would hand out a gap) it gets
      // a snapshot.
      exchange.handled(cardId, lastVersion, null, null);
      if (facts.chatId() != null) {
        windows.remove(cardId);
      }
      return;
    }
    CardWindow window = windows.forChat(cardId, facts.chatId());
    List<OutFrame> frames = new ArrayList<>(events.size());
    for (CardEvent event : events) {
      OutFrame frame =
          Frames.of(event, facts, elementId -> window.stream(elementId, windows::nextStreamNumber));
      window.append(event.version(), frame);
      frames.add(frame);
    }
    exchange.countBuilt(frames.size());
    exchange.handled(cardId, lastVersion, facts, frames);
    String chatId = facts.chatId();
    List<OutFrame> shown = shown(events, frames, sentVersion);
    shards.values().forEach(shard -> shard.cardFrames(chatId, cardId, shown));
    watchOnContext(facts);
  }

  /**
   * Events another node committed, with the frames it built for them: its viewers and ours get the
   * same bytes, and this node builds nothing. Its copy of the card is up to date already (the feed
   * applied the events first).
   */
  private void publishShipped(FrameExchange.CardFrames shipped, List<CardEvent> events) {
    String cardId = shipped.cardId();
    if (!watched(shipped.chatId())) {
      windows.remove(cardId);
      return;
    }
    CardWindow window = windows.forChat(cardId, shipped.chatId());
    List<OutFrame> frames = new ArrayList<>(shipped.frames().size());
    long version = 0;
    for (FrameExchange.Frame f : shipped.frames()) {
      OutFrame frame =
          f.stream() == 0
              ? OutFrame.card(f.text(), cardId, f.version())
              : OutFrame.compact(
                  f.text(), window.shippedStream(f.stream(), f.elementId()), f.version());
      window.append(f.version(), frame);
      frames.add(frame);
      version = f.version();
    }
    exchange.countReused(frames.size());
    String chatId = shipped.chatId();
    List<OutFrame> shown = shown(events, frames, sentVersion(cardId));
    shards.values().forEach(shard -> shard.cardFrames(chatId, cardId, shown));
    watchOnContext(
        new CardFacts(
            cardId,
            shipped.messageId(),
            chatId,
            version,
            shipped.streaming(),
            shipped.deadline(),
            null));
  }

  /**
   * The frames of {@code events} that viewers are sent live: those after the card was sent, i.e.
   * after its {@code sent} event at {@code sentVersion}. A card is sent in the same commit as its
   * message, and the {@code message} frame carries the card at that version or later, so no page
   * can place a frame up to it: before the message frame the page does not show the card yet, after
   * it the version is one the page holds. Such frames are built only when the hub handles an
   * earlier commit of the card (its creation, say) after the card was sent: the chat is known by
   * then. Sent to a socket, the frame before the {@code sent} event left a gap to the next one,
   * which every viewer of the chat then filled with a snapshot. The frames stay in the resume
   * window, which keeps its versions consecutive. ~230 bytes less per card and viewer.
   *
   * @param sentVersion the card's {@link io.opencardkit.core.engine.CardState#sentVersion()}; 0
   *     when unknown, and then only the {@code sent} frame itself is held back
   */
  static List<OutFrame> shown(List<CardEvent> events, List<OutFrame> frames, long sentVersion) {
    boolean anyHeld = false;
    for (CardEvent event : events) {
      anyHeld |= event.type() == EventType.SENT || event.version() <= sentVersion;
    }
    if (!anyHeld) {
      return frames;
    }
    List<OutFrame> shown = new ArrayList<>(frames.size());
    for (int i = 0; i < frames.size(); i++) {
      CardEvent event = events.get(i);
      if (event.type() != EventType.SENT && event.version() > sentVersion) {
        shown.add(frames.get(i));
      }
    }
    return shown;
  }

  /** The card's sent version from this node's copy, which the feed brought up to date; or 0. */
  private long sentVersion(String cardId) {
    CardHandle handle = runtime.cached(cardId).orElse(null);
    if (handle == null) {
      return 0;
    }
    synchronized (handle) {
      return handle.state().sentVersion();
    }
  }

  private boolean watched(String chatId) {
    ChatWatch watch = watches.get(chatId);
    return watch != null && watch.watched(clock.millis());
  }

  private void publishMessage(MessageRecord record) {
    if (record.cardId() == null) {
      fanOutMessage(views.of(record, null), null, 0);
      return;
    }
    withHandle(
        record.cardId(),
        context,
        handle -> {
          CardView card = views.read(handle);
          watchOnContext(card.facts());
          fanOutMessage(views.of(record, card), record.cardId(), card.facts().version());
        },
        () -> fanOutMessage(views.of(record, null), null, 0));
  }

  private void fanOutMessage(MessageView view, String cardId, long cardVersion) {
    OutFrame frame = OutFrame.of(Frames.message(view));
    shards.values().forEach(shard -> shard.control(view.chatId(), frame, cardId, cardVersion));
  }

  private void broadcastSnapshot(CardHandle handle) {
    CardView view = views.read(handle);
    CardFacts facts = view.facts();
    if (facts.chatId() == null) {
      return;
    }
    OutFrame frame = OutFrame.card(Frames.snapshot(view), facts.cardId(), facts.version());
    shards
        .values()
        .forEach(
            shard -> shard.snapshotForAll(facts.chatId(), facts.cardId(), facts.version(), frame));
  }

  private void watchOnContext(CardFacts facts) {
    if (facts.streaming() && facts.chatId() != null) {
      deadlines.put(facts.cardId(), new Watch(facts.chatId(), facts.messageId(), facts.deadline()));
    } else {
      deadlines.remove(facts.cardId());
    }
  }

  private void tick() {
    long now = clock.millis();
    List<String> due = new ArrayList<>();
    deadlines.forEach(
        (cardId, watch) -> {
          if (now >= watch.deadline()) {
            due.add(cardId);
          }
        });
    for (String cardId : due) {
      Watch watch = deadlines.remove(cardId);
      CardHandle handle = runtime.cached(cardId).orElse(null);
      if (handle == null) {
        continue;
      }
      CardFacts facts;
      synchronized (handle) {
        facts = CardFacts.of(handle.state(), now, streamingTimeoutMillis);
      }
      if (facts.streaming()) {
        watchOnContext(facts); // streaming was switched on again: a new deadline
        continue;
      }
      OutFrame frame =
          OutFrame.of(Frames.preview(watch.chatId(), watch.messageId(), facts.summary()));
      shards.values().forEach(shard -> shard.control(watch.chatId(), frame, null, 0));
    }
    // A card without a window gets a snapshot on resume anyway, so its viewers need not remember
    // its version; without
    // this, every card ever streamed in a chat would cost each viewer that stays connected an
    // entry.
    Map<String, String> quiet = windows.sweep();
    if (!quiet.isEmpty()) {
      shards.values().forEach(shard -> shard.cardsWentQuiet(quiet));
    }
  }
}
