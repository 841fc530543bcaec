package io.opencardkit.server.metrics;

import io.micrometer.core.instrument.Timer;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * Measures how late each event loop runs a timer: one probe per loop fires every {@value
 * #PERIOD_MILLIS} ms and records how much later than due it ran. A loop busy with long tasks (or
 * starved of CPU) shows here before callers see it as latency.
 */
final class EventLoopLag extends VerticleBase {
  static final long PERIOD_MILLIS = 200;

  private final Timer lag;
  private long dueNanos;

  private EventLoopLag(Timer lag) {
    this.lag = lag;
  }

  /** Starts one probe per event loop (Vert.x spreads a verticle's instances over the loops). */
  static Future<String> start(Vertx vertx, NodeMetrics metrics, int eventLoops) {
    Timer lag = metrics.eventLoopLag();
    return vertx.deployVerticle(
        () -> new EventLoopLag(lag), new DeploymentOptions().setInstances(eventLoops));
  }

  @Override
  public Future<?> start() {
    dueNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS);
    vertx.setPeriodic(
        PERIOD_MILLIS,
        id -> {
          long now = System.nanoTime();
          lag.record(Math.max(0, now - dueNanos), TimeUnit.NANOSECONDS);
          dueNanos = now + TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS);
        });
    return Future.succeededFuture();
  }
}
