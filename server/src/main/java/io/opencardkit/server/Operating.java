package io.opencardkit.server;

import io.opencardkit.bus.redis.RedisClusterBus;
import io.opencardkit.core.bus.ClusterBus;
import io.opencardkit.core.store.CardStore;
import io.opencardkit.core.store.ForwardingCardStore;
import io.opencardkit.server.bots.BotDispatcher;
import io.opencardkit.server.http.Draining;
import io.opencardkit.server.http.HttpListeners;
import io.opencardkit.server.metrics.NodeMetrics;
import io.opencardkit.server.web.WebChat;
import io.opencardkit.store.jdbc.SqlCardStore;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What operators need from a running node (issue 12): its metrics at {@code GET /metrics} (on the
 * main port, or a listener of its own with {@code --metrics-port}) and the graceful stop's drain.
 */
final class Operating {
  private static final Logger LOG = LoggerFactory.getLogger(Operating.class);

  /** Prometheus's text exposition format, which {@link NodeMetrics#scrape()} writes. */
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  /** At most this long for pages and bots to answer the 1001 close frames. */
  private static final long CLOSE_HANDSHAKES_NANOS = TimeUnit.SECONDS.toNanos(2);

  private final NodeMetrics metrics;
  private final Draining draining;
  private final HttpListeners http;
  private final HttpServer metricsServer; // null: metrics are on the main port
  private final Duration shutdownTimeout;

  private Operating(
      NodeMetrics metrics,
      Draining draining,
      HttpListeners http,
      HttpServer metricsServer,
      Duration shutdownTimeout) {
    this.metrics = metrics;
    this.draining = draining;
    this.http = http;
    this.metricsServer = metricsServer;
    this.shutdownTimeout = shutdownTimeout;
  }

  /** Starts the metrics listener if {@code --metrics-port} asks for one. */
  static Operating start(
      Vertx vertx,
      ServerConfig config,
      NodeMetrics metrics,
      Draining draining,
      HttpListeners http) {
    HttpServer metricsServer = null;
    Integer port = config.operations().metricsPort();
    if (port != null) {
      Router router = Router.router(vertx);
      mountMetrics(router, metrics);
      // Like the main port, no cleartext HTTP/2 upgrade: Prometheus speaks HTTP/1.1, and an h2c
      // upgrade offered by a client (the JDK's HttpClient does) is answered as plain HTTP/1.1.
      metricsServer =
          vertx
              .createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false))
              .requestHandler(router)
              .listen(port, config.host())
              .await();
    }
    return new Operating(
        metrics, draining, http, metricsServer, config.operations().shutdownTimeout());
  }

  static void mountMetrics(Router router, NodeMetrics metrics) {
    router
        .get("/metrics")
        .handler(
            ctx -> ctx.response().putHeader("Content-Type", PROMETHEUS_TEXT).end(metrics.scrape()));
  }

  /**
   * Registers the node's own metrics: the store's commits, the browser push, the bots, the cluster
   * bus.
   */
  static void bindMetrics(
      NodeMetrics metrics, CardStore store, ClusterBus bus, WebChat web, BotDispatcher bots) {
    CardStore inner = store;
    while (inner instanceof ForwardingCardStore) {
      inner = ((ForwardingCardStore) inner).delegate();
    }
    if (inner instanceof SqlCardStore) {
      metrics.bindStore((SqlCardStore) inner);
    }
    if (bus instanceof RedisClusterBus) {
      metrics.bindBus((RedisClusterBus) bus);
    }
    metrics.bindViewers(web.stats());
    metrics.bindBots(bots);
  }

  NodeMetrics metrics() {
    return metrics;
  }

  int metricsPort() {
    return metricsServer == null ? -1 : metricsServer.actualPort();
  }

  /**
   * The graceful stop's drain, within the shutdown timeout: health checks fail, no new connection
   * is accepted, viewers are told to go elsewhere, the calls and event deliveries in flight finish.
   * Returns whether they all did.
   */
  boolean drain(WebChat web, BotDispatcher bots) {
    long deadline = System.nanoTime() + shutdownTimeout.toNanos();
    draining.begin();
    LOG.info(
        "stopping: draining for at most {} ms ({} OpenAPI calls in flight)",
        shutdownTimeout.toMillis(),
        draining.callsInFlight());
    http.stopAccepting(shutdownTimeout);
    boolean finished;
    try {
      web.goingAway().get(left(deadline), TimeUnit.NANOSECONDS);
      finished = draining.awaitCallsAnswered(Duration.ofNanos(left(deadline)));
      finished &= bots.awaitDeliveriesSettled(Duration.ofNanos(left(deadline)));
      LOG.info(
          "stopping: closing {} long connections of bots with 1001", bots.longConnectionsOpen());
      bots.closeLongConnections();
      // The close handshakes, so that "going away" reaches pages and bots before the sockets are
      // torn down.
      awaitUntil(
          () -> web.stats().connections() == 0 && bots.longConnectionsOpen() == 0,
          Math.min(left(deadline), CLOSE_HANDSHAKES_NANOS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      finished = false;
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      finished = false;
    }
    if (finished) {
      LOG.info("stopping: every call and delivery in flight finished");
    } else {
      LOG.warn(
          "stopping: {} OpenAPI calls and {} deliveries still in flight after {} ms; closing anyway",
          draining.callsInFlight(),
          bots.stats().inFlight(),
          shutdownTimeout.toMillis());
    }
    return finished;
  }

  /** Polls {@code condition} until it holds or {@code nanos} passed (a stopping node only). */
  private static void awaitUntil(java.util.function.BooleanSupplier condition, long nanos)
      throws InterruptedException {
    long deadline = System.nanoTime() + nanos;
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  private static long left(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }

  /** Closes the metrics listener. */
  void close() {
    if (metricsServer != null) {
      metricsServer.close().await();
    }
  }
}
