package io.opencardkit.server.web;

import io.opencardkit.core.engine.CardEvent;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.server.cards.CardRuntime;
import io.opencardkit.server.cards.CardRuntime.CardHandle;
import io.opencardkit.server.directory.Chat;
import io.opencardkit.server.directory.Directory;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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
 *   <li>Concurrency: the hub is an actor on one Vert.x context. The card runtime and the message service call it on
 *       the store's writer thread; it only posts the work to its context, so the writer never waits for a browser.
 *       Socket callbacks (text, drain, close) are posted there too. Windows, connections and their per-card
 *       versions are touched only on that context, without locks. Writes to a socket from this context are safe:
 *       Vert.x 5 queues them for the socket's own event loop, and {@code writeQueueFull()} counts that queue.
 *   <li>Ordering: the runtime reports a card's events in version order after commit, and a context runs its tasks
 *       in order, so frames of a card are built and fanned out in version order. Each event is encoded once; the
 *       same string goes to every viewer and into the card's {@link CardWindow}.
 *   <li>Snapshots and the streaming/summary values of a frame are read from the card's in-memory state under its
 *       handle's monitor, on this context. The state may be a few events ahead of what the hub has fanned out
 *       (events applied, commit pending); those events arrive later with versions at or below the snapshot's and
 *       are skipped, so a page never sees a gap or a duplicate.
 *   <li>Overload: see {@link ViewerConnection}; each socket's write queue is bounded by
 *       {@value #WRITE_QUEUE_BYTES} bytes.
 * </ul>
 */
final class ViewerHub {
  private static final Logger LOG = LoggerFactory.getLogger(ViewerHub.class);
  static final int WRITE_QUEUE_BYTES = 128 * 1024;
  private static final long TICK_MILLIS = 1000;

  private record Watch(String chatId, String messageId, long deadline) {}

  private final Vertx vertx;
  private final Context context;
  private final Clock clock;
  private final long streamingTimeoutMillis;
  private final Supplier<Directory> directory;
  private final CardRuntime runtime;
  private final MessageViews views;
  private final ViewerStats stats = new ViewerStats();
  private final CardWindows windows;
  private final Map<String, Set<ViewerConnection>> byChat = new HashMap<>();
  private final Set<ViewerConnection> connections = new LinkedHashSet<>();
  private final Map<String, Watch> deadlines = new HashMap<>(); // streaming cards whose preview changes on time
  private final long timerId;

  ViewerHub(Vertx vertx, Clock clock, Duration streamingTimeout, Supplier<Directory> directory, CardRuntime runtime, MessageViews views) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.clock = clock;
    this.streamingTimeoutMillis = streamingTimeout.toMillis();
    this.directory = directory;
    this.runtime = runtime;
    this.views = views;
    this.windows = new CardWindows(clock, CardWindows.ALL_WINDOWS_CHARS);
    this.timerId = vertx.setPeriodic(TICK_MILLIS, id -> context.runOnContext(v -> tick()));
  }

  ViewerStats stats() {
    return stats;
  }

  void close() {
    vertx.cancelTimer(timerId);
  }

  // --- inputs from other threads ------------------------------------------------------------------------------------

  /** Card events after commit (writer thread). */
  void cardEventsCommitted(List<CardEvent> events) {
    if (!events.isEmpty()) {
      context.runOnContext(v -> publish(events));
    }
  }

  /** A message after commit (writer thread). */
  void messageCommitted(MessageRecord record) {
    context.runOnContext(v -> publishMessage(record));
  }

  /** Shows a toast to one viewer's pages that can see the chat (any thread). */
  void toast(String openId, String chatId, String frame) {
    context.runOnContext(
        v -> byChat.getOrDefault(chatId, Set.of()).forEach(viewer -> {
          if (viewer.openId().equals(openId)) {
            viewer.offerControl(frame, null, 0);
          }
        }));
  }

  /** Sends a frame to one viewer's pages that can see the chat (any thread), e.g. that they read it elsewhere. */
  void toViewer(String openId, String chatId, String frame) {
    toast(openId, chatId, frame); // the same delivery as a toast: one user's pages of one chat
  }

  /**
   * Closes every viewer's socket with "try again later" (any thread): the pages reconnect, reload their chats over
   * HTTP and resume their cards, so they catch up with whatever this node may have missed (the cluster bus was down).
   */
  void reloadAll(String reason) {
    context.runOnContext(v -> new ArrayList<>(connections).forEach(c -> c.close(ViewerConnection.TRY_AGAIN_LATER, reason)));
  }

  /** Remembers that a card's preview changes when its streaming window closes (a page was shown it streaming). */
  void watchDeadline(CardFacts facts) {
    if (facts.streaming() && facts.chatId() != null) {
      context.runOnContext(v -> deadlines.put(facts.cardId(), new Watch(facts.chatId(), facts.messageId(), facts.deadline())));
    }
  }

  /** Takes over a socket of a signed-in viewer; call on the socket's context before it delivers anything. */
  void open(ServerWebSocket ws, String openId) {
    Set<String> chatIds = directory.get().chatsOf(openId).stream().map(Chat::chatId).collect(Collectors.toSet());
    ws.setWriteQueueMaxSize(WRITE_QUEUE_BYTES);
    ViewerConnection connection = new ViewerConnection(openId, chatIds, new VertxSocket(ws), this::requestSnapshot, stats);
    ws.textMessageHandler(text -> context.runOnContext(v -> received(connection, text)));
    ws.drainHandler(v -> context.runOnContext(x -> connection.drained()));
    ws.closeHandler(v -> context.runOnContext(x -> unregister(connection)));
    ws.exceptionHandler(e -> LOG.debug("viewer socket of {} failed: {}", openId, e.toString()));
    context.runOnContext(v -> register(connection));
  }

  // --- on the hub's context -----------------------------------------------------------------------------------------

  private void register(ViewerConnection connection) {
    if (connection.isClosed()) {
      return;
    }
    connections.add(connection);
    connection.chatIds().forEach(chatId -> byChat.computeIfAbsent(chatId, k -> new LinkedHashSet<>()).add(connection));
    stats.connectionOpened();
    connection.writeDirect(Frames.hello(connection.openId()));
  }

  private void unregister(ViewerConnection connection) {
    connection.closed();
    if (connections.remove(connection)) {
      stats.connectionClosed();
    }
    for (String chatId : connection.chatIds()) {
      Set<ViewerConnection> viewers = byChat.get(chatId);
      if (viewers != null && viewers.remove(connection) && viewers.isEmpty()) {
        byChat.remove(chatId);
      }
    }
  }

  private void publish(List<CardEvent> events) {
    String cardId = events.get(0).cardId();
    CardHandle handle = cached(cardId);
    if (handle == null) {
      // Evicted between commit and now (rare): nobody may rely on a window with a hole; resync the chat by snapshot.
      windows.remove(cardId);
      withHandle(cardId, this::broadcastSnapshot, () -> {});
      return;
    }
    CardFacts facts;
    synchronized (handle) {
      facts = CardFacts.of(handle.state(), clock.millis(), streamingTimeoutMillis);
    }
    if (facts.chatId() == null) {
      return; // not sent yet: no page can show it
    }
    CardWindow window = windows.forChat(cardId, facts.chatId());
    Set<ViewerConnection> viewers = byChat.getOrDefault(facts.chatId(), Set.of());
    for (CardEvent event : events) {
      String frame = Frames.card(event, facts);
      window.append(event.version(), frame);
      for (ViewerConnection viewer : viewers) {
        viewer.offerCard(cardId, event.version(), frame);
      }
    }
    watch(facts);
  }

  private void publishMessage(MessageRecord record) {
    if (!byChat.containsKey(record.chatId())) {
      return; // nobody is watching this chat
    }
    if (record.cardId() == null) {
      fanOutMessage(views.of(record, null), null, 0);
      return;
    }
    withHandle(
        record.cardId(),
        handle -> {
          CardView card = views.read(handle);
          watch(card.facts());
          fanOutMessage(views.of(record, card), record.cardId(), card.facts().version());
        },
        () -> fanOutMessage(views.of(record, null), null, 0));
  }

  private void fanOutMessage(MessageView view, String cardId, long cardVersion) {
    String frame = Frames.message(view);
    for (ViewerConnection viewer : byChat.getOrDefault(view.chatId(), Set.of())) {
      viewer.offerControl(frame, cardId, cardVersion);
    }
  }

  private void received(ViewerConnection connection, String text) {
    Optional<Map<String, Long>> resume = Frames.resumeOf(text);
    if (resume.isEmpty() || connection.isClosed()) {
      return; // the protocol has no other client frame; unknown ones are ignored
    }
    connection.markResumed();
    resume.get().forEach((cardId, version) -> resume(connection, cardId, version));
  }

  private void resume(ViewerConnection connection, String cardId, long heldVersion) {
    resume(connection, cardId, heldVersion, false);
  }

  /**
   * @param refreshed whether the card was just brought up to what the store holds, because the page held a newer
   *     version than this node knew (the node that served the page died before telling the others of it)
   */
  private void resume(ViewerConnection connection, String cardId, long heldVersion, boolean refreshed) {
    CardWindow window = windows.get(cardId);
    if (window != null && connection.canSee(window.chatId())) {
      Optional<List<CardWindow.Entry>> missing = window.after(heldVersion);
      if (missing.isPresent()) {
        connection.resumeFrom(cardId, heldVersion);
        missing.get().forEach(entry -> connection.offerCard(cardId, entry.version(), entry.frame()));
        return;
      }
    }
    withHandle(
        cardId,
        handle -> {
          CardView view = views.read(handle);
          CardFacts facts = view.facts();
          if (!connection.canSee(facts.chatId())) {
            connection.forget(cardId);
          } else if (facts.version() == heldVersion) {
            connection.resumeFrom(cardId, heldVersion);
          } else if (facts.version() < heldVersion && !refreshed) {
            // The page holds what this node has not heard of yet: read it, then answer. Meanwhile the page's version
            // counts as written, so the events the refresh hands on are not sent to it a second time.
            connection.resumeFrom(cardId, heldVersion);
            runtime.refresh(cardId).whenComplete((v, e) -> context.runOnContext(x -> resume(connection, cardId, heldVersion, true)));
          } else {
            connection.forget(cardId); // the page's version may even be ahead (data reset): the snapshot wins
            connection.snapshot(cardId, facts.version(), Frames.snapshot(view));
            watch(facts);
          }
        },
        () -> connection.forget(cardId));
  }

  /** {@link ViewerConnection.Snapshots}: a gap, or a drained queue. */
  private void requestSnapshot(ViewerConnection connection, String cardId) {
    withHandle(
        cardId,
        handle -> {
          CardView view = views.read(handle);
          if (connection.canSee(view.facts().chatId())) {
            connection.snapshot(cardId, view.facts().version(), Frames.snapshot(view));
            watch(view.facts());
          } else {
            connection.forget(cardId);
          }
        },
        () -> connection.forget(cardId));
  }

  private void broadcastSnapshot(CardHandle handle) {
    CardView view = views.read(handle);
    CardFacts facts = view.facts();
    Set<ViewerConnection> viewers = byChat.getOrDefault(facts.chatId(), Set.of());
    if (facts.chatId() == null || viewers.isEmpty()) {
      return;
    }
    String frame = Frames.snapshot(view);
    viewers.forEach(viewer -> viewer.snapshot(facts.cardId(), facts.version(), frame));
  }

  private void watch(CardFacts facts) {
    if (facts.streaming() && facts.chatId() != null) {
      deadlines.put(facts.cardId(), new Watch(facts.chatId(), facts.messageId(), facts.deadline()));
    } else {
      deadlines.remove(facts.cardId());
    }
  }

  private void tick() {
    long now = clock.millis();
    List<String> due = new ArrayList<>();
    deadlines.forEach((cardId, watch) -> {
      if (now >= watch.deadline()) {
        due.add(cardId);
      }
    });
    for (String cardId : due) {
      Watch watch = deadlines.remove(cardId);
      CardHandle handle = cached(cardId);
      if (handle == null) {
        continue;
      }
      CardFacts facts;
      synchronized (handle) {
        facts = CardFacts.of(handle.state(), now, streamingTimeoutMillis);
      }
      if (facts.streaming()) {
        watch(facts); // streaming was switched on again: a new deadline
        continue;
      }
      String frame = Frames.preview(watch.chatId(), watch.messageId(), facts.summary());
      byChat.getOrDefault(watch.chatId(), Set.of()).forEach(viewer -> viewer.offerControl(frame, null, 0));
    }
    // A card without a window gets a snapshot on resume anyway, so its viewers need not remember its version; without
    // this, every card ever streamed in a chat would cost each viewer that stays connected an entry.
    windows.sweep().forEach((cardId, chatId) -> byChat.getOrDefault(chatId, Set.of()).forEach(viewer -> viewer.cardWentQuiet(cardId)));
    for (ViewerConnection connection : new ArrayList<>(connections)) {
      if (connection.hasStaleCards()) {
        connection.drained(); // a safety net: the drain callback is the usual trigger
      }
    }
  }

  /** The card's handle if it is in memory, without loading it. */
  private CardHandle cached(String cardId) {
    return runtime.cached(cardId).orElse(null);
  }

  /**
   * Runs {@code action} on this context with the card's handle, loading it off the event loop when needed, once the
   * card's pending commits settled: what is sent whole (a snapshot, a message with its card) must never hold events a
   * failed commit (another node got there first, or the store is down) would take back. A commit that fails retires
   * the handle, so the handle is looked up again then.
   */
  private void withHandle(String cardId, Consumer<CardHandle> action, Runnable unknown) {
    withHandle(cardId, action, unknown, true);
  }

  private void withHandle(String cardId, Consumer<CardHandle> action, Runnable unknown, boolean waitForCommits) {
    CompletableFuture<Optional<CardHandle>> found = runtime.find(cardId);
    found.whenComplete((handle, failure) -> {
      if (failure != null || handle.isEmpty()) {
        context.runOnContext(v -> unknown.run());
        return;
      }
      CompletableFuture<Void> settled = waitForCommits ? handle.get().settled() : CompletableFuture.completedFuture(null);
      if (settled.isDone() && found.isDone() && Vertx.currentContext() == context) {
        action.accept(handle.get()); // the common case: in memory, nothing pending, on this context already
      } else if (settled.isDone()) {
        context.runOnContext(v -> action.accept(handle.get()));
      } else {
        settled.whenComplete((v, e) -> context.runOnContext(x -> withHandle(cardId, action, unknown, false)));
      }
    });
  }
}
