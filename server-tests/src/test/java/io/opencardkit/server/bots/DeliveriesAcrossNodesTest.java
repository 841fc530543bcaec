package io.opencardkit.server.bots;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.core.store.CardStore;
import io.opencardkit.core.store.DeliveryStore;
import io.opencardkit.core.store.ForwardingCardStore;
import io.opencardkit.core.store.PendingDelivery;
import io.opencardkit.server.OpenCardKitServer;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.testkit.Await;
import io.opencardkit.server.testkit.MutableClock;
import io.opencardkit.server.testkit.PostgresRedisNodes;
import io.opencardkit.server.testkit.SdkBot;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, finding 6, on a real cluster (PostgreSQL and Redis, two nodes in this JVM on one
 * injected clock): a bot's pending event is delivered as on one node, whichever node holds it,
 * stops or dies: same {@code event_id}, Feishu's schedule, one attempt at a time.
 */
final class DeliveriesAcrossNodesTest {
  private final MutableClock clock = MutableClock.startingNow();
  private final PostgresRedisNodes cluster = new PostgresRedisNodes(clock);
  private final SdkBot bot = SdkBot.webhook();
  private final CountDownLatch hold = new CountDownLatch(1);

  @AfterEach
  void stop() {
    hold.countDown();
    cluster.close();
    bot.close();
  }

  private String p2p() {
    return Directory.p2pChatId(cluster.seed.appId, cluster.seed.alice);
  }

  /** Returns once {@code node} has looked for due events {@code rounds} more times. */
  private static void awaitClaimRounds(OpenCardKitServer node, int rounds) {
    long target = node.bots().claimRounds() + rounds;
    Await.until("claim rounds of " + node.nodeId(), () -> node.bots().claimRounds() >= target);
  }

  @Test
  void nodeStopsWhileItDeliversAnEvent_theOtherNodeDeliversItAtOnce_withTheSameEventId()
      throws Exception {
    bot.configure(cluster.seed);
    bot.holdFirstAttempts = hold; // the bot takes its time with the first attempt
    OpenCardKitServer first = cluster.startNode();
    OpenCardKitServer second = cluster.startNode();

    new Page(first.baseUrl(), cluster.seed.alice).say(p2p(), "are you there?");
    Await.until("the first node's attempt reached the bot", () -> bot.attempts.size() == 1);
    first.close(); // a graceful stop hands the event over

    Await.until(
        "the second node delivered the event",
        () -> bot.events.size() == 1); // the clock did not move
    assertThat(bot.attempts).hasSize(2);
    assertThat(bot.attempts.get(1)).isEqualTo(bot.attempts.get(0));
    awaitClaimRounds(second, 2);
    assertThat(pending(second)).isEmpty();
  }

  @Test
  void nodeDiesWhileItDeliversAnEvent_theOtherTakesItOverWhenTheLeaseRunsOut_notBefore()
      throws Exception {
    bot.configure(cluster.seed);
    bot.holdFirstAttempts = hold;
    OpenCardKitServer doomed = cluster.startNode(DyingStore::new);
    OpenCardKitServer survivor = cluster.startNode();

    new Page(doomed.baseUrl(), cluster.seed.alice).say(p2p(), "anyone?");
    Await.until("the doomed node's attempt reached the bot", () -> bot.attempts.size() == 1);
    doomed.close(); // its store does not let the lease go: as after kill -9

    clock.advance(BotDispatcher.LEASE.minusMillis(1));
    awaitClaimRounds(survivor, 2);
    assertThat(bot.attempts).hasSize(1); // still held by the dead node
    clock.advance(Duration.ofMillis(1));
    Await.until("the survivor took the event over", () -> bot.events.size() == 1);
    assertThat(bot.attempts).hasSize(2);
    assertThat(bot.attempts.get(1)).isEqualTo(bot.attempts.get(0));
  }

  @Test
  void failedEvent_isRetriedOnceByTheWholeClusterAtItsTime_andNeverAgainOnceDelivered()
      throws Exception {
    bot.configure(cluster.seed);
    bot.failFirstAttempts = 1;
    OpenCardKitServer first = cluster.startNode();
    OpenCardKitServer second = cluster.startNode();

    new Page(second.baseUrl(), cluster.seed.alice).say(p2p(), "hello cluster");
    Await.until("the failed attempt waits for its retry", () -> first.bots().pendingRetries() == 1);

    clock.advance(Duration.ofSeconds(15).minusMillis(1));
    awaitClaimRounds(first, 2);
    awaitClaimRounds(second, 2);
    assertThat(bot.attempts).hasSize(1); // not before Feishu's 15 s
    clock.advance(Duration.ofMillis(1));
    Await.until("the retry is delivered", () -> bot.events.size() == 1);
    for (Duration later :
        List.of(Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofHours(6))) {
      clock.advance(later);
      awaitClaimRounds(first, 2);
      awaitClaimRounds(second, 2);
    }
    assertThat(bot.attempts).hasSize(2); // one failure, one delivery: no node delivered it twice
    assertThat(bot.attempts.get(1)).isEqualTo(bot.attempts.get(0));
    assertThat(pending(first)).isEmpty();
  }

  private static List<PendingDelivery> pending(OpenCardKitServer node) {
    return ((DeliveryStore) node.store()).pendingDeliveries();
  }

  /** A node's store that never lets its leases go, as a node killed mid-delivery never does. */
  private static final class DyingStore extends ForwardingCardStore implements DeliveryStore {
    private final DeliveryStore deliveries;

    DyingStore(CardStore store) {
      super(store);
      this.deliveries = (DeliveryStore) store;
    }

    @Override
    public List<PendingDelivery> claimDue(
        String owner, long nowMillis, long leaseUntilMillis, int limit) {
      return deliveries.claimDue(owner, nowMillis, leaseUntilMillis, limit);
    }

    @Override
    public boolean finish(String eventId, String owner) {
      return deliveries.finish(eventId, owner);
    }

    @Override
    public boolean retryLater(String eventId, String owner, int failedAttempts, long dueAtMillis) {
      return false; // dead before its attempt ended: the attempt's outcome never reaches the store
    }

    @Override
    public int releaseLeases(String owner) {
      return 0; // dead: it lets nothing go
    }

    @Override
    public int releaseEveryLease() {
      return deliveries.releaseEveryLease();
    }

    @Override
    public List<PendingDelivery> pendingDeliveries() {
      return deliveries.pendingDeliveries();
    }
  }
}
