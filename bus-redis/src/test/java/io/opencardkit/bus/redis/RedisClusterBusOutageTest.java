package io.opencardkit.bus.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

final class RedisClusterBusOutageTest {
  @RegisterExtension final Nodes nodes = Nodes.onPrivateRedis();
  private final RecordingListener heardByA = new RecordingListener();
  private final RecordingListener heardByB = new RecordingListener();

  @Test
  void stopRedis_sendsReturnAtOnceAndDrop_thenRestart_reconnectsOnceAndFlowsBothWays() {
    RedisClusterBus a = nodes.startNode("a", heardByA);
    RedisClusterBus b = nodes.startNode("b", heardByB);
    nodes.awaitConnected();

    nodes.redis().stop();
    nodes.awaitDisconnected();
    long started = System.nanoTime();
    for (int i = 0; i < 1_000; i++) {
      a.broadcast("while down " + i);
      a.send("b", "while down " + i);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    // Dropping is a flag check and a counter; a second for 2,000 calls leaves room for a slow
    // machine, not a wait.
    assertThat(took).isLessThan(Duration.ofSeconds(1));
    assertThat(a.stats().dropped(DropReason.DISCONNECTED)).isEqualTo(2_000);

    nodes.redis().restart();
    heardByA.awaitReconnections(1);
    heardByB.awaitReconnections(1);
    nodes.awaitConnected();
    a.broadcast("from a after");
    b.broadcast("from b after");
    heardByB.awaitMessage("from a after");
    heardByA.awaitMessage("from b after");

    assertThat(heardByA.reconnections()).isEqualTo(1);
    assertThat(heardByB.reconnections()).isEqualTo(1);
    assertThat(a.stats().reconnections()).isEqualTo(1);
    assertThat(heardByB.messages()).noneMatch(message -> message.startsWith("while down"));
  }

  @Test
  void subscriberConnectionKilled_reconnectsAndResumes() {
    RedisClusterBus a = nodes.startNode("a", heardByA);
    nodes.startNode("b", heardByB);
    nodes.awaitConnected();

    // Only the subscriber connections go: the bus must notice the loss of either of its two
    // connections.
    assertThat(nodes.redis().command("CLIENT", "KILL", "TYPE", "pubsub")).isEqualTo(":2");
    heardByB.awaitReconnections(1);
    nodes.awaitConnected();
    a.broadcast("after the kill");

    heardByB.awaitMessage("after the kill");
    assertThat(heardByB.reconnections()).isEqualTo(1);
  }

  @Test
  void sendQueueFull_whileRedisIsFrozen_dropsWithoutBlocking() {
    RedisClusterBus a = nodes.startNode("a", heardByA);
    nodes.awaitConnected();
    String mebichars = "x".repeat(1 << 20);

    // Frozen, Redis answers no PUBLISH: one message fills the pipeline and 31 the queue's 32 Mi
    // characters.
    // The ticker does not move, so the heartbeat never gives up on its PING and the bus still
    // counts as up.
    nodes.redis().freeze();
    long started = System.nanoTime();
    for (int i = 0; i < 50; i++) {
      a.broadcast(mebichars);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(took).isLessThan(Duration.ofSeconds(1));
    assertThat(a.stats().dropped(DropReason.SEND_QUEUE_FULL)).isGreaterThanOrEqualTo(50 - 32);
    assertThat(a.stats().dropped(DropReason.DISCONNECTED)).isZero();
  }

  @Test
  void frozenRedis_heartbeatNoticesIt_thenThaw_reconnects() {
    RedisClusterBus a = nodes.startNode("a", heardByA);
    RedisClusterBus b = nodes.startNode("b", heardByB);
    nodes.awaitConnected();

    // Frozen, Redis keeps its sockets open: only the unanswered PING shows the bus that it is cut
    // off, once the
    // ticker says it has waited too long (moved on every poll: a PING sent after one move is late
    // after the next).
    nodes.redis().freeze();
    Await.until(
        "both nodes gave up on their PING",
        () -> {
          nodes.advanceTicker(Duration.ofNanos(SessionKeeper.PING_TIMEOUT_NANOS + 1));
          return !a.connected() && !b.connected();
        });
    nodes.redis().thaw();
    heardByB.awaitReconnections(1);
    nodes.awaitConnected();
    a.broadcast("after the thaw");

    heardByB.awaitMessage("after the thaw");
  }

  @Test
  void start_whileRedisIsDown_connectsWhenItComesAndSignalsReconnected() {
    nodes.redis().stop();
    RedisClusterBus a = nodes.startNode("a", heardByA);
    a.broadcast("before redis");
    assertThat(a.connected()).isFalse();
    // Redis comes back only once the bus has failed to reach it: a first attempt that began late
    // (a slow start) and found Redis up would be a first connection, with nothing to resume.
    Await.until("the first attempt failed", () -> a.attemptsFailed() > 0, a::stats);

    nodes.redis().restart();
    nodes.awaitConnected();

    // Messages sent to this node before it could connect are lost, so the listener must
    // resynchronise.
    heardByA.awaitReconnections(1);
    assertThat(a.stats().dropped(DropReason.DISCONNECTED)).isEqualTo(1);
  }
}
