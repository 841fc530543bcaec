package io.opencardkit.core.store;

/**
 * An event on its way to a bot, as stored until it is delivered or given up: what to send, how
 * often it failed, when it is due, and which node holds it while it is being delivered.
 *
 * @param eventId the event's {@code event_id}, the same in every attempt (bots drop duplicates by
 *     it)
 * @param appId the bot it is for
 * @param payload the event JSON, as every attempt sends it
 * @param failedAttempts attempts that failed so far
 * @param dueAtMillis when the next attempt is due
 * @param leaseOwner the node delivering it now, or {@code null} while nobody is
 * @param leaseUntilMillis until when {@code leaseOwner} holds it; after that any node may take it
 *     over
 * @param createdAtMillis when the event happened
 */
public record PendingDelivery(
    String eventId,
    String appId,
    String payload,
    int failedAttempts,
    long dueAtMillis,
    String leaseOwner,
    long leaseUntilMillis,
    long createdAtMillis) {

  /**
   * A new event, first attempted at once by {@code owner}, who holds it until {@code
   * leaseUntilMillis}.
   */
  public static PendingDelivery leasedNew(
      String eventId,
      String appId,
      String payload,
      long nowMillis,
      String owner,
      long leaseUntilMillis) {
    return new PendingDelivery(
        eventId, appId, payload, 0, nowMillis, owner, leaseUntilMillis, nowMillis);
  }
}
