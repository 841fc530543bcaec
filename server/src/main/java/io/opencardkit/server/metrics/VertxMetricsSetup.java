package io.opencardkit.server.metrics;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.UUID;

/**
 * A Vert.x whose own metrics (HTTP server requests and connections, pools) go into the node's
 * registry.
 */
public final class VertxMetricsSetup {
  private VertxMetricsSetup() {}

  /**
   * Builds Vert.x with {@code options} and metrics into {@code metrics}, and starts the event-loop
   * lag probes. The registry name is unique: Vert.x keeps registries by name in a JVM-wide table,
   * and several servers in one JVM (tests) must not share one.
   */
  public static Vertx build(VertxOptions options, NodeMetrics metrics) {
    MicrometerMetricsOptions metricsOptions =
        new MicrometerMetricsOptions().setEnabled(true).setRegistryName("okc-" + UUID.randomUUID());
    Vertx vertx =
        Vertx.builder()
            .with(options.setMetricsOptions(metricsOptions))
            .withMetrics(new MicrometerMetricsFactory(metrics.registry()))
            .build();
    EventLoopLag.start(vertx, metrics, options.getEventLoopPoolSize());
    return vertx;
  }
}
