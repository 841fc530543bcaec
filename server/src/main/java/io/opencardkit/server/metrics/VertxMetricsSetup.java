package io.opencardkit.server.metrics;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.UUID;

/**
 * A Vert.x whose own metrics (pools, HTTP client) go into the node's registry.
 *
 * <p>Vert.x's HTTP server metrics are off: they build and look up four meters by their tags for
 * every request (4 % of the event loops' time under load, and more code for the JIT to compile
 * while a fresh node warms up). The node counts what they counted more cheaply: OpenAPI calls by
 * route and code ({@code okc_openapi_calls}), open and refused connections ({@code
 * okc_http_connections}), web chat sockets ({@code okc_viewers_connected}).
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
        new MicrometerMetricsOptions()
            .setEnabled(true)
            .setRegistryName("okc-" + UUID.randomUUID())
            .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER);
    Vertx vertx =
        Vertx.builder()
            .with(options.setMetricsOptions(metricsOptions))
            .withMetrics(new MicrometerMetricsFactory(metrics.registry()))
            .build();
    EventLoopLag.start(vertx, metrics, options.getEventLoopPoolSize());
    return vertx;
  }
}
