package io.opencardkit.store.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.core.store.CardStore;
import io.opencardkit.core.store.DeliveryStore;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.core.store.PendingDelivery;
import io.opencardkit.core.store.WriteBatch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Behaviour every {@link DeliveryStore} must have: deliveries stored with the batch that caused
 * them, leases that one holder at a time has and that expire, retries that wait for their time, and
 * all of it across a reopen and between two handles on the same data (two nodes). Public because
 * adapter tests in other modules extend it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class DeliveryStoreContract {
  private static final long NOW = 1_000_000;
  private static final long LEASE = 30_000;

  private final List<CardStore> opened = Collections.synchronizedList(new ArrayList<>());

  /**
   * A new store with no data, a {@link CardStore} that is a {@link DeliveryStore} too; closed after
   * the test.
   */
  protected abstract CardStore newEmptyStore();

  /**
   * A new handle on the data of {@code closed}, which the contract has just closed, as after a
   * restart.
   */
  protected abstract CardStore reopen(CardStore closed);

  /**
   * A second handle on the data of {@code open}, used at the same time as it, as a second node's
   * would be.
   */
  protected abstract CardStore anotherHandle(CardStore open);

  @AfterEach
  void closeStores() {
    for (CardStore store : opened) {
      store.close();
    }
  }

  private CardStore track(CardStore store) {
    opened.add(store);
    return store;
  }

  private static DeliveryStore deliveries(CardStore store) {
    return (DeliveryStore) store;
  }

  private static PendingDelivery leasedTo(String owner, String eventId, long now) {
    return PendingDelivery.leasedNew(
        eventId, "cli_bot", "{\"event_id\":\"" + eventId + "\"}", now, owner, now + LEASE);
  }

  private static void add(CardStore store, PendingDelivery... deliveries) {
    store
        .commit(new WriteBatch(List.of(), List.of(), List.of(), Map.of(), List.of(deliveries)))
        .join();
  }

  @Test
  public void deliveryCommittedWithItsMessage_isPendingAndHeldByTheCommittingNode() {
    CardStore store = track(newEmptyStore());
    MessageRecord message = Messages.text("om_1", "oc_1", NOW);
    PendingDelivery event = leasedTo("node-a", "ev_1", NOW);

    store
        .commit(new WriteBatch(List.of(), List.of(), List.of(message), Map.of(), List.of(event)))
        .join();

    assertThat(store.message("om_1")).contains(message);
    assertThat(deliveries(store).pendingDeliveries()).containsExactly(event);
    // held: another node finds nothing to take while the lease runs
    assertThat(deliveries(store).claimDue("node-b", NOW + LEASE - 1, NOW + 2 * LEASE, 10))
        .isEmpty();
  }

  @Test
  public void expiredLease_isTakenOverByAnotherNode_andTheFormerHolderCanNoLongerTouchIt() {
    CardStore store = track(newEmptyStore());
    add(store, leasedTo("node-a", "ev_1", NOW));

    List<PendingDelivery> taken =
        deliveries(store).claimDue("node-b", NOW + LEASE, NOW + 2 * LEASE, 10);

    assertThat(taken)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.eventId()).isEqualTo("ev_1");
              assertThat(d.leaseOwner()).isEqualTo("node-b");
              assertThat(d.leaseUntilMillis()).isEqualTo(NOW + 2 * LEASE);
              assertThat(d.payload()).isEqualTo("{\"event_id\":\"ev_1\"}");
            });
    assertThat(deliveries(store).finish("ev_1", "node-a")).isFalse();
    assertThat(deliveries(store).retryLater("ev_1", "node-a", 1, NOW)).isFalse();
    assertThat(deliveries(store).pendingDeliveries())
        .singleElement()
        .extracting(PendingDelivery::leaseOwner)
        .isEqualTo("node-b");
    assertThat(deliveries(store).finish("ev_1", "node-b")).isTrue();
    assertThat(deliveries(store).pendingDeliveries()).isEmpty();
  }

  @Test
  public void failedAttempt_isFreeAndDueOnlyAtItsRetryTime() {
    CardStore store = track(newEmptyStore());
    add(store, leasedTo("node-a", "ev_1", NOW));

    assertThat(deliveries(store).retryLater("ev_1", "node-a", 1, NOW + 15_000)).isTrue();

    assertThat(deliveries(store).claimDue("node-a", NOW + 14_999, NOW + LEASE, 10)).isEmpty();
    assertThat(deliveries(store).claimDue("node-b", NOW + 15_000, NOW + 15_000 + LEASE, 10))
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.failedAttempts()).isEqualTo(1);
              assertThat(d.dueAtMillis()).isEqualTo(NOW + 15_000);
              assertThat(d.createdAtMillis()).isEqualTo(NOW);
            });
  }

  @Test
  public void claimDue_takesTheOldestDueFirst_atMostLimit() {
    CardStore store = track(newEmptyStore());
    add(
        store,
        leasedTo("node-a", "ev_3", NOW + 3),
        leasedTo("node-a", "ev_1", NOW + 1),
        leasedTo("node-a", "ev_2", NOW + 2));
    deliveries(store).releaseLeases("node-a");

    assertThat(deliveries(store).claimDue("node-b", NOW + 10, NOW + LEASE, 2))
        .extracting(PendingDelivery::eventId)
        .containsExactly("ev_1", "ev_2");
    assertThat(deliveries(store).claimDue("node-b", NOW + 10, NOW + LEASE, 2))
        .extracting(PendingDelivery::eventId)
        .containsExactly("ev_3");
  }

  @Test
  public void releaseLeases_freesOnlyThatNodesDeliveries_releaseEveryLeaseFreesAll() {
    CardStore store = track(newEmptyStore());
    add(store, leasedTo("node-a", "ev_a", NOW), leasedTo("node-b", "ev_b", NOW));

    assertThat(deliveries(store).releaseLeases("node-a")).isEqualTo(1);
    assertThat(deliveries(store).claimDue("node-c", NOW, NOW + LEASE, 10))
        .extracting(PendingDelivery::eventId)
        .containsExactly("ev_a");
    assertThat(deliveries(store).releaseEveryLease()).isEqualTo(2);
    assertThat(deliveries(store).claimDue("node-c", NOW, NOW + LEASE, 10))
        .extracting(PendingDelivery::eventId)
        .containsExactlyInAnyOrder("ev_a", "ev_b");
  }

  @Test
  public void pendingRetry_survivesReopen() {
    CardStore store = track(newEmptyStore());
    add(store, leasedTo("node-a", "ev_1", NOW));
    deliveries(store).retryLater("ev_1", "node-a", 2, NOW + 300_000);
    store.close();

    CardStore again = track(reopen(store));

    assertThat(deliveries(again).pendingDeliveries())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.failedAttempts()).isEqualTo(2);
              assertThat(d.dueAtMillis()).isEqualTo(NOW + 300_000);
              assertThat(d.leaseOwner()).isNull();
            });
  }

  @Test
  public void twoNodesClaimingTogether_eachDeliveryGoesToExactlyOne() throws Exception {
    CardStore first = track(newEmptyStore());
    CardStore second = track(anotherHandle(first));
    int count = 60;
    List<PendingDelivery> all = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      all.add(leasedTo("gone", String.format("ev_%03d", i), NOW));
    }
    add(first, all.toArray(new PendingDelivery[0]));
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Callable<List<String>>> claimers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        DeliveryStore store = deliveries(t % 2 == 0 ? first : second);
        String owner = "node-" + t;
        claimers.add(
            () -> {
              List<String> mine = new ArrayList<>();
              List<PendingDelivery> got;
              do {
                got = store.claimDue(owner, NOW + LEASE, NOW + 2 * LEASE, 5);
                got.forEach(d -> mine.add(d.eventId()));
              } while (!got.isEmpty());
              return mine;
            });
      }
      List<String> claimed = new ArrayList<>();
      for (Future<List<String>> f : threads.invokeAll(claimers)) {
        claimed.addAll(f.get());
      }
      Set<String> distinct = new HashSet<>(claimed);
      assertThat(claimed).hasSize(count);
      assertThat(distinct).hasSize(count);
    } finally {
      threads.shutdownNow();
    }
  }
}
