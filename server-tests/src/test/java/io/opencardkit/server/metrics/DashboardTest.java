package io.opencardkit.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.bus.redis.testing.RedisServerProcess;
import io.opencardkit.core.Json;
import io.opencardkit.server.ServerConfig;
import io.opencardkit.server.testkit.Await;
import io.opencardkit.server.testkit.MetricsScrape;
import io.opencardkit.server.testkit.TestPostgres;
import io.opencardkit.server.testkit.TestSeed;
import io.opencardkit.server.testkit.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard in {@code dist/grafana} loads (valid JSON, a panel per query) and every
 * query names a metric a node of a cluster exports; and {@code --metrics-port} moves {@code
 * /metrics} off the main port.
 */
final class DashboardTest {
  private static final Path DASHBOARD = Path.of("..", "dist", "grafana", "opencardkit.json");

  /** A metric name in a PromQL query: ours, Vert.x's, the JVM's. */
  private static final Pattern METRIC =
      Pattern.compile("\\b((?:okc|vertx|jvm|process|system)_[a-z0-9_]+)\\b");

  private final String schema = TestPostgres.newSchema();
  private final RedisServerProcess redis = RedisServerProcess.start();
  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    redis.close();
    TestPostgres.dropSchema(TestPostgres.url(), schema);
  }

  private void startClusteredNode() throws Exception {
    server =
        TestServer.start(
            new TestSeed(),
            Clock.systemUTC(),
            Duration.ofMinutes(10),
            config ->
                config
                    .withCluster(TestPostgres.withSchema(TestPostgres.url(), schema), redis.url())
                    .withInsecureDevLogin()
                    .withOperations(new ServerConfig.Operations(0, Duration.ofSeconds(10))));
  }

  @Test
  void everyQueryOfTheDashboard_namesAMetricThatANodeExports() throws Exception {
    startClusteredNode();
    HttpClient http = HttpClient.newHttpClient();
    // One refused call, so that the call and refusal metrics (made on first use) exist too.
    HttpResponse<String> refused =
        http.send(
            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/open-apis/bot/v3/info"))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isBetween(400, 499);
    String metricsBase = "http://127.0.0.1:" + server.server().metricsPort();
    MetricsScrape scrape = MetricsScrape.of(metricsBase);

    JsonNode dashboard = Json.parseOrNull(Files.readString(DASHBOARD));
    assertThat(dashboard).as("valid JSON").isNotNull();
    List<String> queries = new ArrayList<>();
    dashboard
        .path("panels")
        .forEach(
            panel ->
                panel.path("targets").forEach(target -> queries.add(target.path("expr").asText())));
    dashboard
        .path("templating")
        .path("list")
        .forEach(variable -> queries.add(variable.path("query").asText()));
    assertThat(queries).hasSizeGreaterThan(20).doesNotContain("");
    Set<String> named = new TreeSet<>();
    for (String query : queries) {
      Matcher m = METRIC.matcher(query);
      boolean any = false;
      while (m.find()) {
        named.add(m.group(1));
        any = true;
      }
      assertThat(any).as("query names a metric: %s", query).isTrue();
    }
    assertThat(scrape.names()).as("exported metrics").containsAll(named);
    assertThat(named)
        .contains(
            "okc_bus_received_total",
            "okc_store_commits_total",
            "okc_openapi_calls_seconds_bucket",
            "okc_bots_long_connections");
  }

  @Test
  void metricsPort_servesMetricsThere_andNotOnTheMainPort() throws Exception {
    startClusteredNode();
    HttpClient http = HttpClient.newHttpClient();

    HttpResponse<String> onMain =
        http.send(
            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/metrics")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    String metricsUrl = "http://127.0.0.1:" + server.server().metricsPort();
    // the bus connects in the background
    Await.until(Await.WAIT, () -> MetricsScrape.of(metricsUrl).sum("okc_bus_connected") == 1);
    MetricsScrape onMetricsPort = MetricsScrape.of(metricsUrl);

    assertThat(onMain.statusCode()).isEqualTo(404);
    assertThat(server.server().metricsPort()).isPositive().isNotEqualTo(server.server().port());
    assertThat(onMetricsPort.sum("okc_bus_connected")).isEqualTo(1);
  }
}
