package io.opencardkit.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opencardkit.bus.redis.DropReason;
import io.opencardkit.bus.redis.RedisClusterBus;
import io.opencardkit.server.bots.BotDispatcher;
import io.opencardkit.server.bots.DeliveryStats;
import io.opencardkit.server.cluster.ClusterReplica;
import io.opencardkit.server.http.ApiCall;
import io.opencardkit.server.http.ApiCallListener;
import io.opencardkit.server.http.ConnectionGuard;
import io.opencardkit.server.web.FrameExchange;
import io.opencardkit.server.web.ViewerStats;
import io.opencardkit.store.jdbc.SqlCardStore;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * A node's metrics in one Prometheus registry: Vert.x's own (HTTP server, pools; see {@link
 * VertxMetricsSetup}) and OpenCardKit's, all named {@code okc_…}. {@code docs/deploy.md} lists
 * them; {@code dist/grafana/opencardkit.json} is a dashboard built on them. One registry per
 * server, so that several servers in one JVM (tests) keep theirs apart.
 */
public final class NodeMetrics implements ApiCallListener {
  /**
   * Buckets of the latency histograms: wide enough for a commit on a slow disk, fine enough for a
   * fast call.
   */
  static final Duration[] LATENCY_BUCKETS = {
    Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25),
    Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1),
    Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)
  };

  private static final double[] BATCH_BUCKETS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, Timer> callTimers = new ConcurrentHashMap<>();
  private final Map<Integer, Counter> refusalCounters = new ConcurrentHashMap<>();

  public NodeMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
  }

  /** The registry Vert.x's metrics and ours are kept in. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Every metric in Prometheus's text format (what {@code GET /metrics} answers). */
  public String scrape() {
    return registry.scrape();
  }

  /**
   * Counts and times an OpenAPI call by method, route and code; a refusal also by its code alone.
   */
  @Override
  public void finished(ApiCall call) {
    String key = call.method() + ' ' + call.route() + ' ' + call.code();
    callTimers
        .computeIfAbsent(
            key,
            k ->
                Timer.builder("okc.openapi.calls")
                    .description(
                        "OpenAPI calls answered, by method, route and Feishu code, with their latency")
                    .tags(
                        "method",
                        call.method(),
                        "route",
                        call.route(),
                        "code",
                        Integer.toString(call.code()))
                    .serviceLevelObjectives(LATENCY_BUCKETS)
                    .register(registry))
        .record(call.durationNanos(), TimeUnit.NANOSECONDS);
    if (call.refused()) {
      refusalCounters
          .computeIfAbsent(
              call.code(),
              code ->
                  Counter.builder("okc.openapi.refusals")
                      .description("OpenAPI calls refused, by Feishu code")
                      .tag("code", Integer.toString(code))
                      .register(registry))
          .increment();
    }
  }

  /** Commits of a SQL store: how many, how many batches (updates) each, how long each took. */
  public void bindStore(SqlCardStore store) {
    FunctionCounter.builder("okc.store.commits", store, SqlCardStore::commitsCount)
        .description("Transactions that committed batches")
        .register(registry);
    FunctionCounter.builder("okc.store.batches", store, SqlCardStore::batchesCount)
        .description("Batches (updates) committed")
        .register(registry);
    Timer latency =
        Timer.builder("okc.store.commit.latency")
            .description("Time to write and commit one transaction")
            .serviceLevelObjectives(LATENCY_BUCKETS)
            .register(registry);
    DistributionSummary perCommit =
        DistributionSummary.builder("okc.store.commit.batches")
            .description("Batches (updates) per committed transaction")
            .serviceLevelObjectives(BATCH_BUCKETS)
            .register(registry);
    store.observeCommits(
        (batches, nanos) -> {
          latency.record(nanos, TimeUnit.NANOSECONDS);
          perCommit.record(batches);
        });
  }

  /**
   * The browser push: sockets open, frames and bytes written, snapshots, sockets closed for being
   * slow or silent.
   */
  public void bindViewers(ViewerStats stats) {
    gauge("okc.viewers.connected", "Open web chat sockets", stats, s -> s.connections());
    counter(
        "okc.viewer.frames", "Frames written to web chat sockets", stats, s -> s.framesWritten());
    counter(
        "okc.viewer.bytes",
        "Payload bytes written to web chat sockets (after compression)",
        stats,
        s -> s.bytesWritten());
    counter("okc.viewer.snapshots", "Snapshot frames written", stats, s -> s.snapshotsSent());
    counter(
        "okc.viewer.deltas.skipped",
        "Card frames not written because a socket was full or a snapshot was due",
        stats,
        s -> s.deltasSkipped());
    counter(
        "okc.viewer.slow.closed",
        "Sockets closed because they fell too far behind",
        stats,
        s -> s.slowClientsClosed());
    counter(
        "okc.viewer.unresponsive.closed",
        "Sockets closed because nothing was heard from them",
        stats,
        s -> s.unresponsiveClosed());
  }

  /**
   * The node's HTTP connections: open now, refused for a limit, cut for a deadline (docs/deploy.md,
   * "Connection deadlines and limits").
   */
  public void bindConnections(ConnectionGuard guard) {
    gauge(
        "okc.http.connections",
        "HTTP connections open (API calls, pages, WebSockets); one refused for the node's limit until it closes",
        guard,
        g -> g.openConnections());
    ConnectionGuard.Counters counters = guard.counters();
    String refused = "Connections refused at once for a limit";
    taggedCounter(
        "okc.http.connections.refused",
        refused,
        "limit",
        "per_address",
        counters,
        c -> c.refusedForAddress());
    taggedCounter(
        "okc.http.connections.refused",
        refused,
        "limit",
        "node",
        counters,
        c -> c.refusedForNode());
    String missed = "Connections closed because a request or handshake missed its deadline";
    taggedCounter(
        "okc.http.deadlines.missed",
        missed,
        "deadline",
        "header",
        counters,
        c -> c.headerTimeouts());
    taggedCounter(
        "okc.http.deadlines.missed", missed, "deadline", "body", counters, c -> c.bodyTimeouts());
    taggedCounter(
        "okc.http.deadlines.missed",
        missed,
        "deadline",
        "websocket_handshake",
        counters,
        c -> c.handshakeTimeouts());
  }

  /** Bots: long connections open, event deliveries by outcome, events waiting for a retry. */
  public void bindBots(BotDispatcher bots) {
    gauge(
        "okc.bots.long.connections",
        "Bots' long connections open on this node",
        bots,
        b -> b.longConnectionsOpen());
    DeliveryStats stats = bots.stats();
    deliveries(stats, "delivered", s -> s.delivered());
    deliveries(stats, "retry", s -> s.failedWillRetry());
    deliveries(stats, "dropped", s -> s.dropped());
    gauge(
        "okc.bot.pending.retries",
        "Events waiting for their next delivery attempt",
        stats,
        s -> s.pendingRetries());
    gauge(
        "okc.bot.deliveries.in.flight",
        "Event deliveries sent and not yet answered",
        stats,
        s -> s.inFlight());
  }

  private void deliveries(
      DeliveryStats stats, String outcome, ToDoubleFunction<DeliveryStats> count) {
    taggedCounter(
        "okc.bot.deliveries",
        "Event delivery attempts to bots, by outcome",
        "outcome",
        outcome,
        stats,
        count);
  }

  /**
   * The cluster bus: messages published and received, drops by reason, reconnections, and the
   * queues behind it.
   */
  public void bindBus(RedisClusterBus bus) {
    String published = "Messages Redis accepted from this node";
    taggedCounter(
        "okc.bus.published", published, "kind", "broadcast", bus, b -> b.stats().broadcastsSent());
    taggedCounter(
        "okc.bus.published", published, "kind", "direct", bus, b -> b.stats().directSent());
    counter(
        "okc.bus.received",
        "Messages of other nodes handed to this node",
        bus,
        b -> b.stats().received());
    counter(
        "okc.bus.reconnects",
        "Times the bus listened again after being down",
        bus,
        b -> b.stats().reconnections());
    counter(
        "okc.bus.echoes.skipped",
        "Own broadcasts Redis echoed back, dropped undecoded",
        bus,
        b -> b.stats().ownBroadcastsSkipped());
    for (DropReason reason : DropReason.values()) {
      taggedCounter(
          "okc.bus.dropped",
          "Messages dropped, by reason",
          "reason",
          reason.name().toLowerCase(java.util.Locale.ROOT),
          bus,
          b -> b.stats().dropped(reason));
    }
    gauge(
        "okc.bus.send.queue",
        "Messages queued for Redis (how far publishing lags)",
        bus,
        b -> b.sendQueueLength());
    gauge(
        "okc.bus.listener.queue",
        "Messages received and not yet handled (how far this node lags)",
        bus,
        b -> b.listenerQueueLength());
    gauge("okc.bus.connected", "1 while the bus is connected", bus, b -> b.connected() ? 1 : 0);
  }

  /**
   * Registers what crosses between nodes: other nodes' batch messages decoded here, and card frames
   * sent to this node's viewers as another node built them or built here.
   */
  public void bindCluster(ClusterReplica replica, FrameExchange frames) {
    counter(
        "okc.cluster.batches.decoded",
        "Batch messages of other nodes decoded by this node",
        replica,
        ClusterReplica::batchesDecoded);
    String cardFrames = "Card frames for viewers, by who built them";
    taggedCounter(
        "okc.web.card.frames",
        cardFrames,
        "built_by",
        "other_node",
        frames,
        FrameExchange::framesReused);
    taggedCounter(
        "okc.web.card.frames",
        cardFrames,
        "built_by",
        "this_node",
        frames,
        FrameExchange::framesBuilt);
  }

  /** Records one measurement of an event loop's lag (see {@link EventLoopLag}). */
  Timer eventLoopLag() {
    return Timer.builder("okc.event.loop.lag")
        .description("How late the event loops ran a timer: time a ready task waits for its loop")
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry);
  }

  private <T> void gauge(String name, String description, T source, ToDoubleFunction<T> value) {
    Gauge.builder(name, source, value).description(description).register(registry);
  }

  private <T> void counter(String name, String description, T source, ToDoubleFunction<T> value) {
    FunctionCounter.builder(name, source, value).description(description).register(registry);
  }

  private <T> void taggedCounter(
      String name,
      String description,
      String tag,
      String tagValue,
      T source,
      ToDoubleFunction<T> value) {
    FunctionCounter.builder(name, source, value)
        .description(description)
        .tag(tag, tagValue)
        .register(registry);
  }

  /** Releases what the registry holds. */
  public void close() {
    registry.close();
  }
}
