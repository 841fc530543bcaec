package io.opencardkit.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.core.bus.ClusterBus;
import io.opencardkit.server.testkit.Await;
import io.opencardkit.store.testkit.InMemoryCardStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** When a heartbeat is due is decided by the injected ticker, not by how fast the machine runs. */
final class ReplicatingStoreHeartbeatTest {
  private final AtomicLong nanos = new AtomicLong();
  private final List<String> broadcasts = new CopyOnWriteArrayList<>();
  private final ReplicatingStore store =
      new ReplicatingStore(new InMemoryCardStore(), recordingBus(), nanos::get);

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aHeartbeatGoesOutEachTimeTheTickerMovesAPeriodOn() throws Exception {
    store.startHeartbeats();

    for (int i = 1; i <= 3; i++) {
      nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(ReplicatingStore.HEARTBEAT_MILLIS));
      int expected = i;
      Await.until(Duration.ofSeconds(20), () -> broadcasts.size() >= expected);
    }

    assertThat(broadcasts)
        .hasSize(3)
        .allSatisfy(m -> assertThat(m).isEqualTo(ReplicatedBatch.heartbeat(0)));
  }

  private ClusterBus recordingBus() {
    return new ClusterBus() {
      @Override
      public String nodeId() {
        return "a";
      }

      @Override
      public void broadcast(String message) {
        broadcasts.add(message);
      }

      @Override
      public void send(String nodeId, String message) {}

      @Override
      public void listen(Listener listener) {}

      @Override
      public boolean connected() {
        return true;
      }

      @Override
      public void close() {}
    };
  }
}
