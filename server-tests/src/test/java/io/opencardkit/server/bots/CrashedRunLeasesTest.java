package io.opencardkit.server.bots;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.core.bus.ClusterBus;
import io.opencardkit.core.store.PendingDelivery;
import io.opencardkit.core.store.WriteBatch;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.directory.DirectoryHolder;
import io.opencardkit.server.testkit.Await;
import io.opencardkit.server.testkit.ExpectedLog;
import io.opencardkit.server.testkit.MutableClock;
import io.opencardkit.store.testkit.InMemoryCardStore;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, finding 6: events a crashed run of a lone server was delivering (their lease still
 * running) are taken up again as soon as it starts again; on a shared store they wait for the
 * lease, since another node may hold them. The event's app is not in the directory, so taking it up
 * drops it with a warning.
 */
@ExpectedLog(
    logger = "io.opencardkit.server.bots",
    message = "event dropped app_id=cli_0000000000000001 event_id=ev_1: no such app any more")
final class CrashedRunLeasesTest {
  private final MutableClock clock = MutableClock.startingNow();
  private final InMemoryCardStore store = new InMemoryCardStore();
  private final Vertx vertx = Vertx.vertx();
  private final DirectoryHolder directory =
      new DirectoryHolder(new Directory(List.of(), List.of(), List.of()));
  private BotDispatcher bots;

  @AfterEach
  void stop() {
    if (bots != null) {
      bots.close();
    }
    vertx.close().await();
  }

  private void leftByACrashedRun() {
    long now = clock.millis();
    PendingDelivery held =
        PendingDelivery.leasedNew(
            "ev_1",
            "cli_0000000000000001",
            "{}",
            now,
            "local/crashed",
            now + BotDispatcher.LEASE.toMillis());
    store.commit(new WriteBatch(List.of(), List.of(), List.of(), Map.of(), List.of(held))).join();
  }

  private void awaitClaimRounds(int rounds) {
    long target = bots.claimRounds() + rounds;
    Await.until("claim rounds", () -> bots.claimRounds() >= target);
  }

  @Test
  void loneServer_takesUpWhatItsCrashedRunHeld_atOnce() {
    leftByACrashedRun();

    bots = BotDispatcher.start(vertx, clock, directory, ClusterBus.local(), store, true);

    // taken at once (the clock did not move); its app is gone from the directory, so it is dropped
    Await.until("the event is taken up", () -> store.pendingDeliveries().isEmpty());
  }

  @Test
  void nodeOfACluster_leavesAnotherHoldersEventUntilTheLeaseRunsOut() {
    leftByACrashedRun();

    bots = BotDispatcher.start(vertx, clock, directory, ClusterBus.local(), store, false);
    awaitClaimRounds(2);

    assertThat(store.pendingDeliveries())
        .singleElement()
        .extracting(PendingDelivery::leaseOwner)
        .isEqualTo("local/crashed");
    clock.advance(BotDispatcher.LEASE);
    Await.until("the event is taken over", () -> store.pendingDeliveries().isEmpty());
  }
}
