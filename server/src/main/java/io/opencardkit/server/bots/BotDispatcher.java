package io.opencardkit.server.bots;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.Json;
import io.opencardkit.core.bus.ClusterBus;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.server.directory.App;
import io.opencardkit.server.directory.Chat;
import io.opencardkit.server.directory.Directory;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers to bots over their two transports: the long connection when the app has one open, else its HTTP address
 * ({@code event_url} for events, {@code callback_url} for card callbacks). Turns users' messages into
 * {@code im.message.receive_v1} events, delivered at least once with Feishu's retry schedule.
 *
 * <p>Implementation notes:
 *
 * <ul>
 *   <li>Concurrency: the event queue is an actor on one Vert.x context. The message service reports commits on the
 *       store's writer thread; the dispatcher only posts the work to its context. Deliveries complete on other
 *       threads and post their outcome back.
 *   <li>Retries: a failed delivery (no answer within 3 s, a non-200 answer, a broken connection) is tried again
 *       after the next delay of the {@link RetrySchedule}, measured on the injected clock and checked by a timer every
 *       {@value #TICK_MILLIS} ms; every attempt carries the same {@code event_id}, by which bots drop duplicates. The
 *       queue is in memory: a restart drops pending retries.
 *   <li>An app with neither a long connection nor an {@code event_url} gets no events (it subscribed to none).
 * </ul>
 */
public final class BotDispatcher implements AutoCloseable {
  /** Feishu's deadline for a bot's answer, to events and card callbacks alike. */
  public static final Duration DEADLINE = Duration.ofSeconds(3);
  private static final long TICK_MILLIS = 500;
  private static final Logger LOG = LoggerFactory.getLogger(BotDispatcher.class);

  /** What is delivered. */
  enum Kind {
    EVENT,
    CALLBACK
  }

  private static final class PendingEvent {
    final String appId;
    final String eventId;
    final ObjectNode payload;
    int failedAttempts;
    long dueAtMillis;

    PendingEvent(String appId, String eventId, ObjectNode payload, long dueAtMillis) {
      this.appId = appId;
      this.eventId = eventId;
      this.payload = payload;
      this.dueAtMillis = dueAtMillis;
    }
  }

  private final Vertx vertx;
  private final Context context;
  private final Clock clock;
  private final Supplier<Directory> directory;
  private final WebhookTransport webhooks;
  private final LongConnections connections;
  private final BotRelay relay;
  private final RetrySchedule retries;
  private final PriorityQueue<PendingEvent> retryQueue = new PriorityQueue<>(Comparator.comparingLong(e -> e.dueAtMillis));
  private final long timerId;
  private final DeliveryStats stats = new DeliveryStats();

  BotDispatcher(
      Vertx vertx, Clock clock, Supplier<Directory> directory, WebhookTransport webhooks, LongConnections connections, BotRelay relay,
      RetrySchedule retries) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.clock = clock;
    this.directory = directory;
    this.webhooks = webhooks;
    this.connections = connections;
    this.relay = relay;
    this.retries = retries;
    this.timerId = vertx.setPeriodic(TICK_MILLIS, id -> context.runOnContext(v -> tick()));
  }

  /**
   * A dispatcher with both transports, Feishu's retry schedule and the default long-connection settings; a bot's long
   * connection held by another node of the cluster ({@code bus}) is used through that node.
   */
  public static BotDispatcher start(Vertx vertx, Clock clock, Supplier<Directory> directory, ClusterBus bus) {
    LongConnections connections = new LongConnections(vertx, clock, LongConnectionSettings.DEFAULT, directory);
    return new BotDispatcher(
        vertx, clock, directory, new WebhookTransport(vertx, clock), connections, new BotRelay(bus, vertx, connections, System::nanoTime),
        RetrySchedule.FEISHU);
  }

  /**
   * A message of another node meant for delivery to bots (called on the bus's thread): presence, relayed deliveries
   * and their answers. Returns false for messages of other kinds.
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

  /**
   * A message this node committed (called on the store's writer thread): users' messages become events for their
   * bots. Messages committed by other nodes are theirs to deliver.
   */
  public void messageCommitted(MessageRecord message) {
    if ("user".equals(message.senderType())) {
      context.runOnContext(v -> enqueue(message));
    }
  }

  /** Whether the app can be reached for this kind of delivery at all. */
  boolean reachable(App app, Kind kind) {
    boolean socket =
        (connections.connected(app.appId()) || relay.nodeFor(app.appId()).isPresent()) && !(kind == Kind.CALLBACK && app.legacyCardCallback());
    String url = kind == Kind.EVENT ? app.eventUrl() : app.callbackUrl();
    return socket || (url != null && !url.isEmpty());
  }

  /**
   * One delivery over the app's long connection (here, else on another node), else its URL; completes with the answer
   * or a {@link DeliveryFailure}.
   */
  CompletableFuture<BotReply> deliver(App app, Kind kind, ObjectNode payload, Duration timeout) {
    // The legacy card callback is not offered over the long connection (Feishu's documentation says so).
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
          new DeliveryFailure(DeliveryFailure.Reason.NO_ENDPOINT, "app " + app.appId() + " has no " + (kind == Kind.EVENT ? "event_url" : "callback_url") + " and no long connection"));
    }
    return webhooks.deliver(app, url, payload, legacy ? WebhookTransport.Security.LEGACY_CARD : WebhookTransport.Security.EVENT, timeout);
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
   * Waits, at most {@code timeout}, until no event delivery is in flight (a stopping node, before it closes the bots'
   * long connections); returns whether none is. Call off the event loops.
   */
  public boolean awaitDeliveriesSettled(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    CompletableFuture<Void> queuedBefore = new CompletableFuture<>(); // events queued by the last commits start first
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

  /** Closes every bot's long connection with 1001 "going away" (a stopping node); the SDKs reconnect elsewhere. */
  public void closeLongConnections() {
    connections.close();
  }

  /** Events waiting for a retry (read on the dispatcher's context). */
  int pendingRetries() {
    CompletableFuture<Integer> size = new CompletableFuture<>();
    context.runOnContext(v -> size.complete(retryQueue.size()));
    return size.orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
  }

  /** A new event id: 32 hex digits, as Feishu's. */
  static String newEventId() {
    return RandomIds.hex(16);
  }

  // --- on the dispatcher's context ---------------------------------------------------------------------------------

  private void enqueue(MessageRecord message) {
    Directory dir = directory.get();
    Chat chat = dir.chat(message.chatId()).orElse(null);
    if (chat == null) {
      return;
    }
    EventContent content = EventContent.of(message, dir);
    long now = clock.millis();
    for (App app : EventRecipients.of(dir, message, content)) {
      if (!reachable(app, Kind.EVENT)) {
        LOG.debug("event not delivered: app_id={} has no event_url and no long connection", app.appId());
        continue;
      }
      String eventId = newEventId();
      attempt(new PendingEvent(app.appId(), eventId, EventPayloads.messageReceive(app, eventId, now, message, chat, content), now));
    }
  }

  private void attempt(PendingEvent event) {
    App app = directory.get().app(event.appId).orElse(null);
    if (app == null) {
      return;
    }
    stats.attemptStarted();
    deliver(app, Kind.EVENT, event.payload, DEADLINE)
        .whenComplete((reply, failure) -> context.runOnContext(v -> {
          stats.attemptSettled();
          settled(event, reply, failure);
        }));
  }

  private void settled(PendingEvent event, BotReply reply, Throwable failure) {
    if (failure == null && reply.ok()) {
      stats.countDelivered();
      LOG.debug("event delivered app_id={} event_id={} attempts={}", event.appId, event.eventId, event.failedAttempts + 1);
      return;
    }
    String why = failure != null ? DeliveryFailure.of(failure).getMessage() : "HTTP " + reply.status();
    event.failedAttempts++;
    Duration wait = retries.after(event.failedAttempts).orElse(null);
    if (wait == null) {
      stats.countDropped();
      LOG.warn("event dropped after {} attempts app_id={} event_id={}: {}", event.failedAttempts, event.appId, event.eventId, why);
      return;
    }
    LOG.info("event delivery failed app_id={} event_id={} attempt={} retry_in={}s: {}", event.appId, event.eventId, event.failedAttempts, wait.toSeconds(), why);
    event.dueAtMillis = clock.millis() + wait.toMillis();
    retryQueue.add(event);
    stats.countFailedWillRetry();
    stats.pendingRetries(retryQueue.size());
  }

  private void tick() {
    long now = clock.millis();
    while (!retryQueue.isEmpty() && retryQueue.peek().dueAtMillis <= now) {
      attempt(retryQueue.poll());
    }
    stats.pendingRetries(retryQueue.size());
  }

  @Override
  public void close() {
    vertx.cancelTimer(timerId);
    relay.close();
    connections.close();
    webhooks.close();
  }
}
