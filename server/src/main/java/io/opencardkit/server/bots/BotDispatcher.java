package io.opencardkit.server.bots;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.Json;
import io.opencardkit.core.bus.ClusterBus;
import io.opencardkit.core.store.DeliveryStore;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.core.store.PendingDelivery;
import io.opencardkit.server.bots.longconnection.BotRelay;
import io.opencardkit.server.bots.longconnection.LongConnectionApi;
import io.opencardkit.server.bots.longconnection.LongConnections;
import io.opencardkit.server.bots.webhook.WebhookTransport;
import io.opencardkit.server.directory.App;
import io.opencardkit.server.directory.Chat;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.im.EventOutbox;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers to bots over their two transports: the long connection when the app has one open, else
 * its HTTP address ({@code event_url} for events, {@code callback_url} for card callbacks). Turns
 * users' messages into {@code im.message.receive_v1} events, delivered at least once with Feishu's
 * retry schedule.
 *
 * <p>Implementation notes:
 *
 * <ul>
 *   <li>Durability: the events of a user's message are stored in the message's own batch ({@link
 *       EventOutbox}), in the {@link DeliveryStore}, held by this node; once committed they are
 *       attempted at once. A delivered event is removed, a failed one is stored with its attempts
 *       and the time of its next attempt and let go. So a restart or a node's death loses none, and
 *       every node sees every pending event.
 *   <li>One delivery at a time, on any number of nodes: a node attempts an event only while it
 *       holds its lease ({@link #LEASE}, far longer than one attempt). Every {@value #TICK_MILLIS}
 *       ms each node takes the leases of the events that are due and free, or whose holder's lease
 *       ran out (the holder died), so the schedule is kept whichever node is alive. A node that
 *       stops lets its leases go, and another takes them at once. An attempt that outlives its
 *       lease (a node frozen for half a minute) may be repeated by another node: bots drop such
 *       duplicates by the {@code event_id}, which every attempt carries unchanged.
 *   <li>Retries: a failed delivery (no answer within 3 s, a non-200 answer, a broken connection) is
 *       due again after the next delay of the {@link RetrySchedule}, measured on the injected
 *       clock; after the last it is dropped.
 *   <li>Card callbacks are not stored: the user waits for the answer within {@link #DEADLINE}, and
 *       an answer later would change a card the user no longer waits for (see
 *       docs/design-decisions.md).
 *   <li>Concurrency: attempts start and settle on one Vert.x context; store calls run on a thread
 *       of their own, one at a time, never on an event loop.
 *   <li>An app with neither a long connection nor an {@code event_url} gets no events (it
 *       subscribed to none).
 * </ul>
 */
public final class BotDispatcher implements EventOutbox, AutoCloseable {
  /** Feishu's deadline for a bot's answer, to events and card callbacks alike. */
  public static final Duration DEADLINE = Duration.ofSeconds(3);

  /**
   * How long a node holds an event it attempts: ten times an attempt (3 s, and 1 s more when
   * relayed).
   */
  static final Duration LEASE = Duration.ofSeconds(30);

  private static final long TICK_MILLIS = 500;
  private static final int CLAIM_LIMIT = 64;
  private static final Logger LOG = LoggerFactory.getLogger(BotDispatcher.class);

  /** What is delivered. */
  enum Kind {
    EVENT,
    CALLBACK
  }

  private final Vertx vertx;
  private final Context context;
  private final Clock clock;
  private final Supplier<Directory> directory;
  private final WebhookTransport webhooks;
  private final LongConnections connections;
  private final BotRelay relay;
  private final RetrySchedule retries;
  private final DeliveryStore deliveries;
  private final String owner;
  private final ExecutorService storeThread =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "okc-bot-deliveries");
            t.setDaemon(true);
            return t;
          });
  private final AtomicBoolean claiming = new AtomicBoolean();
  private final AtomicLong claimRounds = new AtomicLong();
  private final long timerId;
  private volatile boolean closed;
  private final DeliveryStats stats = new DeliveryStats();

  BotDispatcher(
      Vertx vertx,
      Clock clock,
      Supplier<Directory> directory,
      WebhookTransport webhooks,
      LongConnections connections,
      BotRelay relay,
      RetrySchedule retries,
      DeliveryStore deliveries,
      String owner) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.clock = clock;
    this.directory = directory;
    this.webhooks = webhooks;
    this.connections = connections;
    this.relay = relay;
    this.retries = retries;
    this.deliveries = deliveries;
    this.owner = owner;
    this.timerId = vertx.setPeriodic(TICK_MILLIS, id -> claimDue());
  }

  /**
   * A dispatcher with both transports, Feishu's retry schedule and the default long-connection
   * settings; a bot's long connection held by another node of the cluster ({@code bus}) is used
   * through that node.
   *
   * @param deliveries where pending events are kept
   * @param soleNode whether no other process uses {@code deliveries}: then leases left by an
   *     earlier run of this node (it crashed while attempting) are let go at once instead of when
   *     they expire
   */
  public static BotDispatcher start(
      Vertx vertx,
      Clock clock,
      Supplier<Directory> directory,
      ClusterBus bus,
      DeliveryStore deliveries,
      boolean soleNode) {
    if (soleNode) {
      int released = deliveries.releaseEveryLease();
      if (released > 0) {
        LOG.info(
            "{} bot events were being delivered when the server last stopped; they are delivered again",
            released);
      }
    }
    LongConnections connections = new LongConnections(vertx, clock, directory);
    return new BotDispatcher(
        vertx,
        clock,
        directory,
        new WebhookTransport(vertx, clock),
        connections,
        new BotRelay(bus, vertx, connections, System::nanoTime),
        RetrySchedule.FEISHU,
        deliveries,
        bus.nodeId() + "/" + RandomIds.hex(6));
  }

  /**
   * A message of another node meant for delivery to bots (called on the bus's thread): presence,
   * relayed deliveries and their answers. Returns false for messages of other kinds.
   */
  public boolean receivedFromNode(String fromNode, JsonNode message) {
    return relay.received(fromNode, message);
  }

  /** The bus reconnected: tell the other nodes again which bots are connected here. */
  public void busReconnected() {
    relay.announce();
  }

  /** The long-connection endpoint and socket, to mount on the router. */
  public LongConnectionApi longConnectionApi() {
    return new LongConnectionApi(directory, connections);
  }

  @Override
  public List<PendingDelivery> eventsFor(MessageRecord message) {
    if (closed || !"user".equals(message.senderType())) {
      return List.of();
    }
    Directory dir = directory.get();
    Chat chat = dir.chat(message.chatId()).orElse(null);
    if (chat == null) {
      return List.of();
    }
    EventContent content = EventContent.of(message, dir);
    long now = clock.millis();
    List<PendingDelivery> events = new ArrayList<>();
    for (App app : EventRecipients.of(dir, message, content)) {
      if (!reachable(app, Kind.EVENT)) {
        LOG.debug(
            "event not delivered: app_id={} has no event_url and no long connection", app.appId());
        continue;
      }
      String eventId = newEventId();
      String payload =
          Json.write(EventPayloads.messageReceive(app, eventId, now, message, chat, content));
      events.add(
          PendingDelivery.leasedNew(
              eventId, app.appId(), payload, now, owner, now + LEASE.toMillis()));
    }
    return events;
  }

  @Override
  public void committed(List<PendingDelivery> events) {
    if (!events.isEmpty()) {
      context.runOnContext(v -> events.forEach(this::attempt));
    }
  }

  /** Whether the app can be reached for a card callback at all. */
  public boolean reachesCallbacks(App app) {
    return reachable(app, Kind.CALLBACK);
  }

  /**
   * One card callback, as {@link #deliver} with Feishu's {@link #DEADLINE}; completes with the
   * answer or a {@link DeliveryFailure}. The caller waits for it: callbacks are not stored.
   */
  public CompletableFuture<BotReply> deliverCallback(App app, ObjectNode payload) {
    return deliver(app, Kind.CALLBACK, payload, DEADLINE);
  }

  /** Whether the app can be reached for this kind of delivery at all. */
  boolean reachable(App app, Kind kind) {
    boolean socket =
        (connections.connected(app.appId()) || relay.nodeFor(app.appId()).isPresent())
            && !(kind == Kind.CALLBACK && app.legacyCardCallback());
    String url = kind == Kind.EVENT ? app.eventUrl() : app.callbackUrl();
    return socket || (url != null && !url.isEmpty());
  }

  /**
   * One delivery over the app's long connection (here, else on another node), else its URL;
   * completes with the answer or a {@link DeliveryFailure}.
   */
  CompletableFuture<BotReply> deliver(App app, Kind kind, ObjectNode payload, Duration timeout) {
    // The legacy card callback is not offered over the long connection (Feishu's documentation says
    // so).
    boolean legacy = kind == Kind.CALLBACK && app.legacyCardCallback();
    if (!legacy && connections.connected(app.appId())) {
      return connections.send(app.appId(), payload, timeout);
    }
    Optional<String> holder = legacy ? Optional.empty() : relay.nodeFor(app.appId());
    if (holder.isPresent()) {
      return relay.deliver(holder.get(), app.appId(), payload, timeout);
    }
    String url = kind == Kind.EVENT ? app.eventUrl() : app.callbackUrl();
    if (url == null || url.isEmpty()) {
      return CompletableFuture.failedFuture(
          new DeliveryFailure(
              DeliveryFailure.Reason.NO_ENDPOINT,
              "app "
                  + app.appId()
                  + " has no "
                  + (kind == Kind.EVENT ? "event_url" : "callback_url")
                  + " and no long connection"));
    }
    return webhooks.deliver(
        app,
        url,
        payload,
        legacy ? WebhookTransport.Security.LEGACY_CARD : WebhookTransport.Security.EVENT,
        timeout);
  }

  /** How many long connections the app has open (for operators and tests). */
  public int longConnectionCount(String appId) {
    return connections.count(appId);
  }

  /** Counters of event deliveries (metrics; a stopping node waits for the attempts in flight). */
  public DeliveryStats stats() {
    return stats;
  }

  /** The number of open long connections of all apps (metrics). */
  public int longConnectionsOpen() {
    return connections.counts().values().stream().mapToInt(Integer::intValue).sum();
  }

  /**
   * Waits, at most {@code timeout}, until no event delivery is in flight (a stopping node, before
   * it closes the bots' long connections); returns whether none is. Call off the event loops.
   */
  public boolean awaitDeliveriesSettled(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    CompletableFuture<Void> queuedBefore =
        new CompletableFuture<>(); // events queued by the last commits start first
    context.runOnContext(v -> queuedBefore.complete(null));
    try {
      queuedBefore.get(timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      return false;
    }
    while (stats.inFlight() > 0) {
      if (System.nanoTime() >= deadline) {
        return false;
      }
      Thread.sleep(10); // a stopping node only: no notification machinery for the common path
    }
    return true;
  }

  /**
   * Closes every bot's long connection with 1001 "going away" (a stopping node); the SDKs reconnect
   * elsewhere.
   */
  public void closeLongConnections() {
    connections.close();
  }

  /** Events waiting for a retry, on any node (reads the store). */
  int pendingRetries() {
    return (int)
        deliveries.pendingDeliveries().stream()
            .filter(d -> d.failedAttempts() > 0 && d.leaseOwner() == null)
            .count();
  }

  /**
   * How many times this node has looked for due events (tests wait for rounds instead of sleeping).
   */
  long claimRounds() {
    return claimRounds.get();
  }

  /** A new event id: 32 hex digits, as Feishu's. */
  public static String newEventId() {
    return RandomIds.hex(16);
  }

  // --- on the dispatcher's context
  // ---------------------------------------------------------------------------------

  private void attempt(PendingDelivery event) {
    if (closed) {
      return; // its lease is let go by close(): another node (or the next start) attempts it
    }
    App app = directory.get().app(event.appId()).orElse(null);
    JsonNode payload = Json.parseOrNull(event.payload());
    if (app == null || !(payload instanceof ObjectNode)) {
      LOG.warn(
          "event dropped app_id={} event_id={}: {}",
          event.appId(),
          event.eventId(),
          app == null ? "no such app any more" : "unreadable payload");
      onStoreThread(() -> deliveries.finish(event.eventId(), owner));
      return;
    }
    stats.attemptStarted();
    deliver(app, Kind.EVENT, (ObjectNode) payload, DEADLINE)
        .whenComplete(
            (reply, failure) ->
                context.runOnContext(
                    v -> {
                      stats.attemptSettled();
                      settled(event, reply, failure);
                    }));
  }

  private void settled(PendingDelivery event, BotReply reply, Throwable failure) {
    if (failure == null && reply.ok()) {
      stats.countDelivered();
      LOG.debug(
          "event delivered app_id={} event_id={} attempts={}",
          event.appId(),
          event.eventId(),
          event.failedAttempts() + 1);
      onStoreThread(() -> deliveries.finish(event.eventId(), owner));
      return;
    }
    String why =
        failure != null ? DeliveryFailure.of(failure).getMessage() : "HTTP " + reply.status();
    int failed = event.failedAttempts() + 1;
    Duration wait = retries.after(failed).orElse(null);
    if (wait == null) {
      stats.countDropped();
      LOG.warn(
          "event dropped after {} attempts app_id={} event_id={}: {}",
          failed,
          event.appId(),
          event.eventId(),
          why);
      onStoreThread(() -> deliveries.finish(event.eventId(), owner));
      return;
    }
    LOG.info(
        "event delivery failed app_id={} event_id={} attempt={} retry_in={}s: {}",
        event.appId(),
        event.eventId(),
        failed,
        wait.toSeconds(),
        why);
    long due = clock.millis() + wait.toMillis();
    onStoreThread(() -> deliveries.retryLater(event.eventId(), owner, failed, due));
    stats.countFailedWillRetry();
  }

  /**
   * Takes the leases of due events (on the store thread) and attempts them; one claim at a time per
   * node.
   */
  private void claimDue() {
    if (closed || !claiming.compareAndSet(false, true)) {
      return;
    }
    try {
      storeThread.execute(
          () -> {
            try {
              long now = clock.millis();
              List<PendingDelivery> due =
                  deliveries.claimDue(owner, now, now + LEASE.toMillis(), CLAIM_LIMIT);
              // for the metrics: read here, off the event loops, once a round
              stats.pendingRetries(pendingRetries());
              if (!due.isEmpty()) {
                context.runOnContext(v -> due.forEach(this::attempt));
              }
            } catch (RuntimeException e) {
              LOG.warn("cannot look for due bot events: {}", e.toString());
            } finally {
              claimRounds.incrementAndGet();
              claiming.set(false);
            }
          });
    } catch (RejectedExecutionException e) {
      claiming.set(false); // closing
    }
  }

  private void onStoreThread(Runnable change) {
    try {
      storeThread.execute(
          () -> {
            try {
              change.run();
            } catch (RuntimeException e) {
              // the lease runs out and the event is attempted again: at least once, never lost
              LOG.warn("cannot record a bot event's delivery: {}", e.toString());
            }
          });
    } catch (RejectedExecutionException e) {
      LOG.debug("closing: a bot event's outcome is not recorded; it is attempted again later");
    }
  }

  /**
   * Stops attempting and lets every lease of this node go, so that another node (or this one's next
   * start) takes the pending events at once. An attempt still in flight may then be repeated, with
   * the same {@code event_id}.
   */
  @Override
  public void close() {
    closed = true;
    vertx.cancelTimer(timerId);
    storeThread.shutdown();
    try {
      storeThread.awaitTermination(10, TimeUnit.SECONDS);
      int released = deliveries.releaseLeases(owner);
      if (released > 0) {
        LOG.info("stopping: {} bot events handed over to other nodes", released);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warn(
          "stopping: cannot let this node's bot events go (they are taken over when their lease expires): {}",
          e.toString());
    }
    relay.close();
    connections.close();
    webhooks.close();
  }
}
