package io.opencardkit.server.web;

import io.netty.channel.Channel;
import io.opencardkit.server.ServerConfig;
import io.opencardkit.server.cards.CardRuntime.CardHandle;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The viewer sockets of one event loop, and everything about them: which chats they watch, which
 * card versions each was sent, resumes, snapshots, backpressure and liveness. Every method runs on
 * the shard's context (the loop of its sockets); calls from other threads post themselves there.
 *
 * <p>Liveness: a socket that was silent for a ping interval is sent a ping; if it still answers
 * nothing (not even the pong every browser sends by itself) within another interval, it is dropped
 * with a TCP reset. Times come from the injected clock, read on the shard's once-a-second tick.
 */
final class ViewerShard {
  private static final long TICK_MILLIS = 1000;

  private final ViewerHub hub;
  private final Vertx vertx;
  private final Context context;
  private final Clock clock;
  private final ViewerHub.Liveness liveness;
  private final ServerConfig.WsCompression compression;
  private final ViewerStats stats;
  private final Map<String, Set<ViewerConnection>> byChat = new HashMap<>();
  private final Map<ViewerConnection, Heartbeat> connections = new HashMap<>();
  private final AtomicInteger open =
      new AtomicInteger(); // connections.size(), readable from other threads
  private final long timerId;
  private WireFrames wireFrames; // made with the first socket, whose loop is the shard's

  /** What was last heard from a socket, and the ping sent since. */
  private static final class Heartbeat {
    final NettySocket socket;
    long heardAt;
    long pingedAt; // 0: no ping unanswered

    Heartbeat(NettySocket socket, long now) {
      this.socket = socket;
      this.heardAt = now;
    }
  }

  ViewerShard(
      ViewerHub hub,
      Vertx vertx,
      Context context,
      Clock clock,
      ViewerHub.Liveness liveness,
      ServerConfig.WsCompression compression) {
    this.hub = hub;
    this.vertx = vertx;
    this.context = context;
    this.clock = clock;
    this.liveness = liveness;
    this.compression = compression;
    this.stats = hub.stats();
    this.timerId = vertx.setPeriodic(TICK_MILLIS, id -> context.runOnContext(v -> tick()));
  }

  void close() {
    vertx.cancelTimer(timerId);
  }

  /** Viewer sockets open on this shard's loop (any thread). */
  int openConnections() {
    return open.get();
  }

  // --- from the hub (any thread)
  // ------------------------------------------------------------------------------------

  /** Committed frames of one card, in version order. */
  void cardFrames(String chatId, String cardId, List<OutFrame> frames) {
    context.runOnContext(
        v -> {
          for (ViewerConnection viewer : byChat.getOrDefault(chatId, Set.of())) {
            for (OutFrame frame : frames) {
              viewer.offerCard(cardId, frame.version(), frame);
            }
          }
        });
  }

  /** A message or preview frame for a chat's viewers. */
  void control(String chatId, OutFrame frame, String cardId, long cardVersion) {
    context.runOnContext(
        v ->
            byChat
                .getOrDefault(chatId, Set.of())
                .forEach(viewer -> viewer.offerControl(frame, cardId, cardVersion)));
  }

  /** A snapshot every viewer of the chat is sent (the hub lost track of the card's frames). */
  void snapshotForAll(String chatId, String cardId, long version, OutFrame frame) {
    context.runOnContext(
        v ->
            byChat
                .getOrDefault(chatId, Set.of())
                .forEach(viewer -> viewer.snapshot(cardId, version, frame)));
  }

  void toast(String openId, String chatId, OutFrame frame) {
    context.runOnContext(
        v ->
            byChat
                .getOrDefault(chatId, Set.of())
                .forEach(
                    viewer -> {
                      if (viewer.openId().equals(openId)) {
                        viewer.offerControl(frame, null, 0);
                      }
                    }));
  }

  java.util.concurrent.CompletableFuture<Void> closeAll(short code, String reason) {
    java.util.concurrent.CompletableFuture<Void> closing =
        new java.util.concurrent.CompletableFuture<>();
    context.runOnContext(
        v -> {
          new ArrayList<>(connections.keySet()).forEach(c -> c.close(code, reason));
          closing.complete(null);
        });
    return closing;
  }

  /** The resume windows of these cards (card → chat) were dropped. */
  void cardsWentQuiet(Map<String, String> cards) {
    context.runOnContext(
        v ->
            cards.forEach(
                (cardId, chatId) ->
                    byChat
                        .getOrDefault(chatId, Set.of())
                        .forEach(viewer -> viewer.cardWentQuiet(cardId))));
  }

  // --- sockets (on this context)
  // ------------------------------------------------------------------------------------

  /**
   * Takes over a socket on this shard's loop, in the task that completed its handshake (before it
   * delivers anything).
   */
  NettySocket open(Channel channel, String openId, Set<String> chatIds) {
    boolean negotiatedDeflate = NettySocket.negotiatedDeflate(channel);
    boolean sharedDeflate = compression == ServerConfig.WsCompression.SHARED && negotiatedDeflate;
    NettySocket socket =
        new NettySocket(
            channel,
            sharedDeflate,
            negotiatedDeflate && !sharedDeflate ? null : wireFrames(channel),
            ViewerHub.WRITE_QUEUE_BYTES,
            liveness.closeTimeout().toMillis(),
            stats);
    ViewerConnection connection =
        new ViewerConnection(openId, chatIds, socket, this::requestSnapshot, stats);
    Heartbeat heartbeat = new Heartbeat(socket, clock.millis());
    socket.drainHandler(() -> context.runOnContext(v -> connection.drained()));
    socket.start(
        new ViewerFrameHandler.Events() {
          @Override
          public void text(String text) {
            heard(heartbeat);
            received(connection, text);
          }

          @Override
          public void pong() {
            heard(heartbeat);
          }

          @Override
          public void closed() {
            unregister(connection);
          }
        },
        openId);
    register(connection, heartbeat);
    return socket;
  }

  /** The frames this shard's sockets share; they all live on its loop. */
  private WireFrames wireFrames(Channel channel) {
    if (wireFrames == null) {
      wireFrames = new WireFrames(channel.eventLoop());
    }
    return wireFrames;
  }

  private void heard(Heartbeat heartbeat) {
    heartbeat.heardAt = clock.millis();
    if (heartbeat.pingedAt != 0) {
      heartbeat.pingedAt = 0;
      stats.pingAnswered();
    }
  }

  private void register(ViewerConnection connection, Heartbeat heartbeat) {
    if (connection.isClosed()) {
      return;
    }
    connections.put(connection, heartbeat);
    open.incrementAndGet();
    hub.watching(connection.chatIds(), 1);
    connection
        .chatIds()
        .forEach(
            chatId -> byChat.computeIfAbsent(chatId, k -> new LinkedHashSet<>()).add(connection));
    stats.connectionOpened(heartbeat.socket.sharedDeflate());
    connection.writeDirect(OutFrame.of(Frames.hello(connection.openId())));
  }

  private void unregister(ViewerConnection connection) {
    connection.closed();
    Heartbeat heartbeat = connections.remove(connection);
    if (heartbeat != null) {
      open.decrementAndGet();
      hub.watching(connection.chatIds(), -1);
      stats.connectionClosed(heartbeat.socket.sharedDeflate());
    }
    for (String chatId : connection.chatIds()) {
      Set<ViewerConnection> viewers = byChat.get(chatId);
      if (viewers != null && viewers.remove(connection) && viewers.isEmpty()) {
        byChat.remove(chatId);
      }
    }
  }

  private void received(ViewerConnection connection, String text) {
    Optional<Map<String, Long>> resume = Frames.resumeOf(text);
    if (resume.isEmpty() || connection.isClosed()) {
      return; // the protocol has no other client frame; unknown ones are ignored
    }
    connection.markResumed();
    resume.get().forEach((cardId, version) -> resume(connection, cardId, version, false));
    // This node may lack versions another node acknowledged and never broadcast (it died in
    // between); the refresh
    // hands whatever it finds to the hub as ordinary committed events, i.e. as card frames after
    // the answer.
    hub.runtime().refresh(resume.get().keySet());
  }

  /**
   * @param refreshed whether the card was just brought up to what the store holds, because the page
   *     held a newer version than this node knew (the node that served the page died before telling
   *     the others of it)
   */
  private void resume(
      ViewerConnection connection, String cardId, long heldVersion, boolean refreshed) {
    CardWindow window = hub.windows().get(cardId);
    if (window != null && connection.canSee(window.chatId())) {
      Optional<List<CardWindow.Entry>> missing = window.after(heldVersion);
      if (missing.isPresent()) {
        connection.resumeFrom(cardId, heldVersion);
        missing
            .get()
            .forEach(entry -> connection.offerCard(cardId, entry.version(), entry.frame()));
        return;
      }
    }
    hub.withHandle(
        cardId,
        context,
        handle -> {
          CardView view = hub.views().read(handle);
          CardFacts facts = view.facts();
          if (!connection.canSee(facts.chatId())) {
            connection.forget(cardId);
          } else if (facts.version() == heldVersion) {
            connection.resumeFrom(cardId, heldVersion);
          } else if (facts.version() < heldVersion && !refreshed) {
            // The page holds what this node has not heard of yet: read it, then answer. Meanwhile
            // the page's version
            // counts as written, so the events the refresh hands on are not sent to it a second
            // time.
            connection.resumeFrom(cardId, heldVersion);
            hub.runtime()
                .refresh(cardId)
                .whenComplete(
                    (v, e) ->
                        context.runOnContext(x -> resume(connection, cardId, heldVersion, true)));
          } else {
            connection.forget(
                cardId); // the page's version may even be ahead (data reset): the snapshot wins
            connection.snapshot(
                cardId,
                facts.version(),
                OutFrame.card(Frames.snapshot(view), cardId, facts.version()));
            hub.watch(facts);
          }
        },
        () -> connection.forget(cardId));
  }

  /** {@link ViewerConnection.Snapshots}: a gap, or a drained queue. */
  private void requestSnapshot(ViewerConnection connection, String cardId) {
    hub.withHandle(
        cardId,
        context,
        (CardHandle handle) -> {
          CardView view = hub.views().read(handle);
          if (connection.canSee(view.facts().chatId())) {
            connection.snapshot(
                cardId,
                view.facts().version(),
                OutFrame.card(Frames.snapshot(view), cardId, view.facts().version()));
            hub.watch(view.facts());
          } else {
            connection.forget(cardId);
          }
        },
        () -> connection.forget(cardId));
  }

  private void tick() {
    long now = clock.millis();
    long interval = liveness.pingInterval().toMillis();
    for (Map.Entry<ViewerConnection, Heartbeat> entry : new ArrayList<>(connections.entrySet())) {
      ViewerConnection connection = entry.getKey();
      Heartbeat heartbeat = entry.getValue();
      if (heartbeat.pingedAt != 0 && now - heartbeat.pingedAt >= interval) {
        stats.unresponsiveDropped();
        heartbeat.socket
            .abort(); // nothing heard for two intervals: a close handshake would go unanswered too
        continue;
      }
      if (heartbeat.pingedAt == 0 && now - heartbeat.heardAt >= interval) {
        heartbeat.pingedAt = now;
        heartbeat.socket.ping(Long.toString(now));
        stats.pingSent();
      }
      if (connection.hasStaleCards()) {
        connection.drained(); // a safety net: the drain callback is the usual trigger
      }
    }
  }
}
