package io.opencardkit.server.testkit;

import io.opencardkit.bus.redis.RedisBusConfig;
import io.opencardkit.bus.redis.RedisClusterBus;
import io.opencardkit.bus.redis.testing.RedisServerProcess;
import io.opencardkit.core.store.CardStore;
import io.opencardkit.server.OpenCardKitServer;
import io.opencardkit.server.ServerConfig;
import io.opencardkit.store.postgres.PostgresCardStore;
import io.opencardkit.store.postgres.PostgresConfig;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Nodes of a real cluster in this JVM: a fresh PostgreSQL schema, a private Redis, and one injected
 * clock, so a test can move time for all of them. Each node has its own store and bus connections,
 * as separate processes would; a test may wrap a node's store (to make it die without a word, say).
 */
public final class PostgresRedisNodes implements AutoCloseable {
  public final TestSeed seed = new TestSeed();
  private final Clock clock;
  private final String schema = TestPostgres.newSchema();
  private final String storeUrl = TestPostgres.withSchema(TestPostgres.url(), schema);
  private final RedisServerProcess redis = RedisServerProcess.start();
  private final List<TestServer> nodes = new ArrayList<>();
  private final List<Vertx> busLoops = new ArrayList<>();

  public PostgresRedisNodes(Clock clock) {
    this.clock = clock;
  }

  /**
   * Starts a node (the first stores the seed) whose store is {@code wrap} of its PostgreSQL store.
   */
  public OpenCardKitServer startNode(UnaryOperator<CardStore> wrap) {
    boolean first = nodes.isEmpty(); // the others start from the stored directory
    Vertx busLoop = Vertx.vertx();
    busLoops.add(busLoop);
    CardStore store = wrap.apply(PostgresCardStore.open(PostgresConfig.parse(storeUrl)));
    TestServer node =
        TestServer.start(
            seed,
            clock,
            ServerConfig.defaults().streamingTimeout(),
            config ->
                (first ? config : config.withSeed(null))
                    .withCluster(storeUrl, redis.url())
                    .withInsecureDevLogin(),
            store,
            RedisClusterBus.start(busLoop, RedisBusConfig.parse(redis.url())),
            true);
    nodes.add(node);
    return node.server();
  }

  public OpenCardKitServer startNode() {
    return startNode(UnaryOperator.identity());
  }

  @Override
  public void close() {
    for (TestServer node : nodes) {
      try {
        node.close();
      } catch (RuntimeException ignored) {
        // stopped by the test already
      }
    }
    busLoops.forEach(v -> v.close().await());
    redis.close();
    TestPostgres.dropSchema(TestPostgres.url(), schema);
  }
}
