package io.opencardkit.core.store;

import java.util.List;

/**
 * The bots' pending deliveries, kept by the store so that they survive a restart and any node of a
 * cluster can finish what another began. A delivery is added in the {@link WriteBatch} of what
 * caused it (a user's message and the event it becomes are stored together), then taken through a
 * lease: one node at a time holds it, until it is delivered, rescheduled after a failure, released,
 * or the lease expires (its node died) and another node takes it.
 *
 * <p>Every method is durable when it returns and safe to call from several nodes at once: a change
 * made by a node whose lease was taken over in the meantime is ignored (the method answers false).
 */
public interface DeliveryStore {

  /**
   * Takes the lease of at most {@code limit} deliveries due at {@code nowMillis} that nobody holds
   * or whose lease expired, oldest due first; each goes to exactly one caller however many nodes
   * ask at once.
   *
   * @return the deliveries now held by {@code owner} until {@code leaseUntilMillis}
   */
  List<PendingDelivery> claimDue(String owner, long nowMillis, long leaseUntilMillis, int limit);

  /**
   * Removes a delivery that was delivered or given up; false when {@code owner} no longer holds it.
   */
  boolean finish(String eventId, String owner);

  /**
   * Records a failed attempt: the delivery is due again at {@code dueAtMillis} and free for any
   * node to take then.
   *
   * @return false when {@code owner} no longer holds it (nothing changed)
   */
  boolean retryLater(String eventId, String owner, int failedAttempts, long dueAtMillis);

  /**
   * Frees every delivery {@code owner} holds (a node that stops), so another node may take them at
   * once.
   */
  int releaseLeases(String owner);

  /**
   * Frees every lease, whoever holds it: for a store only this process uses (a restart after a
   * crash).
   */
  int releaseEveryLease();

  /** Every pending delivery, oldest due first (for operators and tests; meant to be few). */
  List<PendingDelivery> pendingDeliveries();
}
