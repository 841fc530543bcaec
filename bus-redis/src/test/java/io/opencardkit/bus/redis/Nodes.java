package io.opencardkit.bus.redis;

import io.opencardkit.bus.redis.testing.RedisServerProcess;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Buses of several nodes on one Vert.x and one private redis-server, each with a recording listener; closing it
 * closes every bus and Vert.x, and waits until they are gone.
 */
final class Nodes implements AutoCloseable {
  private final RedisServerProcess redis;
  private final Vertx vertx = Vertx.vertx();
  private final List<RedisClusterBus> buses = new ArrayList<>();

  Nodes(RedisServerProcess redis) {
    this.redis = redis;
  }

  Vertx vertx() {
    return vertx;
  }

  /** Starts the bus of node {@code nodeId} on channel prefix "test", listening with {@code listener}. */
  RedisClusterBus startNode(String nodeId, RecordingListener listener) {
    return startWithUrl(redis.url() + "?channel=test&node=" + nodeId, listener);
  }

  /** Starts a bus for {@code url}, listening with {@code listener}. */
  RedisClusterBus startWithUrl(String url, RecordingListener listener) {
    RedisClusterBus bus = RedisClusterBus.start(vertx, RedisBusConfig.parse(url));
    buses.add(bus);
    bus.listen(listener);
    return bus;
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
  public void close() throws Exception {
    try {
      for (RedisClusterBus bus : buses) {
        bus.close();
      }
      for (RedisClusterBus bus : buses) {
        bus.terminated().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
