package io.opencardkit.bus.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

final class RedisClusterBusCloseTest {
  @RegisterExtension final Nodes nodes = Nodes.onPrivateRedis();

  @Test
  void close_duringAnOutage_stopsReconnectingAndLeavesNothingRunning() throws Exception {
    RedisClusterBus a = nodes.startNode("closing-a", new RecordingListener());
    nodes.awaitConnected();
    nodes.redis().stop();
    nodes.awaitDisconnected();

    a.close();
    a.terminated().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    // The bus's deployment owns its reconnection timer and heartbeat: once undeployed, Vert.x holds
    // none of them.
    assertThat(nodes.vertx().deploymentIDs()).isEmpty();
    Await.until("listener thread ended", () -> !threadRuns("opencardkit-bus-listener-closing-a"));
    nodes.redis().restart();
    a.broadcast("after close");
    assertThat(a.connected()).isFalse();
    assertThat(a.stats().dropped(DropReason.CLOSED)).isEqualTo(1);
    nodes.vertx().close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void close_whileConnected_closesBothConnections() throws Exception {
    RedisClusterBus a = nodes.startNode("a", new RecordingListener());
    nodes.awaitConnected();
    assertThat(nodes.redis().connectedClients()).isEqualTo(2);

    a.close();
    a.terminated().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    Await.until("redis saw both connections close", () -> nodes.redis().connectedClients() == 0);
    assertThat(a.connected()).isFalse();
  }

  @Test
  void close_twice_isHarmless() throws Exception {
    RedisClusterBus a = nodes.startNode("a", new RecordingListener());

    a.close();
    a.close();

    a.terminated().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void close_beforeItEverConnected_stopsTheAttempts() throws Exception {
    nodes.redis().stop();
    RedisClusterBus a = nodes.startNode("a", new RecordingListener());

    a.close();
    a.terminated().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertThat(nodes.vertx().deploymentIDs()).isEmpty();
  }

  @Test
  void close_afterVertxWasClosed_endsQuietly() throws Exception {
    // Regression (issue 12): a server closes Vert.x before the bus it opened; close() threw
    // RejectedExecutionException
    // from the closed event loop, so the shutdown hook of a node stopped before its last lines.
    RedisClusterBus a = nodes.startNode("a", new RecordingListener());
    nodes.awaitConnected();
    nodes.vertx().close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    a.close();

    a.terminated().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(a.connected()).isFalse();
  }

  private static boolean threadRuns(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(thread -> thread.getName().equals(name));
  }
}
