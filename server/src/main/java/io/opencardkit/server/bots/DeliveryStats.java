package io.opencardkit.server.bots;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of event deliveries to bots, for operators (metrics) and for a stopping node, which
 * waits for the attempts in flight. Updated on the dispatcher's context, readable from any thread.
 */
public final class DeliveryStats {
  private final LongAdder delivered = new LongAdder();
  private final LongAdder failedWillRetry = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final AtomicInteger pendingRetries = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();

  /** Attempts the bot acknowledged. */
  public long delivered() {
    return delivered.sum();
  }

  /** Attempts that failed and were scheduled again. */
  public long failedWillRetry() {
    return failedWillRetry.sum();
  }

  /** Events given up after the last attempt of the retry schedule failed. */
  public long dropped() {
    return dropped.sum();
  }

  /** Events waiting for their next attempt. */
  public int pendingRetries() {
    return pendingRetries.get();
  }

  /** Attempts sent and not yet answered. */
  public int inFlight() {
    return inFlight.get();
  }

  void attemptStarted() {
    inFlight.incrementAndGet();
  }

  void attemptSettled() {
    inFlight.decrementAndGet();
  }

  void countDelivered() {
    delivered.increment();
  }

  void countFailedWillRetry() {
    failedWillRetry.increment();
  }

  void countDropped() {
    dropped.increment();
  }

  void pendingRetries(int count) {
    pendingRetries.set(count);
  }
}
