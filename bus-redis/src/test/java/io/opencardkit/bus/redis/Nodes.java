package io.opencardkit.bus.redis;

import io.opencardkit.bus.redis.testing.RedisServerProcess;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test extension: before each test a private redis-server and a Vert.x on which the test starts
 * the buses of several nodes; after it, every bus, Vert.x and the redis-server are closed, even
 * when the test failed. The buses time with one ticker that only the test moves ({@link
 * #advanceTicker}), so a heartbeat never gives up on a PING because the machine was slow.
 *
 * <pre>{@code @RegisterExtension final Nodes nodes = Nodes.onPrivateRedis();}</pre>
 */
final class Nodes implements BeforeEachCallback, AfterEachCallback {
  private final String[] redisArguments;
  private final List<RedisClusterBus> buses = new ArrayList<>();
  private final AtomicLong ticker = new AtomicLong();
  private RedisServerProcess redis; // null outside a test
  private Vertx vertx; // null outside a test

  private Nodes(String[] redisArguments) {
    this.redisArguments = redisArguments;
  }

  /** Nodes sharing a private redis-server started with {@code redisArguments}. */
  static Nodes onPrivateRedis(String... redisArguments) {
    return new Nodes(redisArguments);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    redis = RedisServerProcess.start(redisArguments);
    vertx = Vertx.vertx();
  }

  RedisServerProcess redis() {
    return redis;
  }

  Vertx vertx() {
    return vertx;
  }

  /**
   * Starts the bus of node {@code nodeId} on channel prefix "test", listening with {@code
   * listener}.
   */
  RedisClusterBus startNode(String nodeId, RecordingListener listener) {
    return startWithUrl(redis.url() + "?channel=test&node=" + nodeId, listener);
  }

  /** Starts a bus for {@code url}, listening with {@code listener}. */
  RedisClusterBus startWithUrl(String url, RecordingListener listener) {
    RedisClusterBus bus = RedisClusterBus.start(vertx, RedisBusConfig.parse(url), ticker::get);
    buses.add(bus);
    bus.listen(listener);
    return bus;
  }

  /** Moves the buses' ticker forward. */
  void advanceTicker(Duration by) {
    ticker.addAndGet(by.toNanos());
  }

  /** Waits until every bus is connected. */
  void awaitConnected() {
    for (RedisClusterBus bus : buses) {
      Await.until("node " + bus.nodeId() + " connected", bus::connected, bus::stats);
    }
  }

  /** Waits until no bus is connected. */
  void awaitDisconnected() {
    for (RedisClusterBus bus : buses) {
      Await.until("node " + bus.nodeId() + " disconnected", () -> !bus.connected(), bus::stats);
    }
  }

  @Override
  @SuppressWarnings(
      "try") // closedLast is only closed, after the buses (Java 17 has no unnamed variable)
  public void afterEach(ExtensionContext context) throws Exception {
    try (RedisServerProcess closedLast = redis) {
      for (RedisClusterBus bus : buses) {
        bus.close();
      }
      for (RedisClusterBus bus : buses) {
        bus.terminated().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    } finally {
      buses.clear();
      if (vertx != null) {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
      redis = null;
      vertx = null;
    }
  }
}
