package io.opencardkit.store.postgres;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * When the writer may try to connect again: at once after a connection was lost, then after each
 * failed attempt twice as long as the last wait, up to a maximum. Between attempts commits fail at
 * once instead of each waiting for a connection timeout. Used by the writer thread only.
 */
final class ReconnectBackoff {
  private final LongSupplier nanoTime;
  private final long initialNanos;
  private final long maxNanos;
  private long delayNanos;
  private long nextAttemptNanos; // valid only while failures > 0
  private int failures;

  /**
   * @param nanoTime a monotonic clock ({@code System::nanoTime}; tests pass a fake one)
   */
  ReconnectBackoff(LongSupplier nanoTime, Duration initial, Duration max) {
    this.nanoTime = nanoTime;
    this.initialNanos = initial.toNanos();
    this.maxNanos = max.toNanos();
    this.delayNanos = initialNanos;
  }

  boolean mayAttempt() {
    return failures == 0 || nanoTime.getAsLong() - nextAttemptNanos >= 0;
  }

  void failed() {
    failures++;
    nextAttemptNanos = nanoTime.getAsLong() + delayNanos;
    delayNanos = Math.min(delayNanos * 2, maxNanos);
  }

  void succeeded() {
    failures = 0;
    delayNanos = initialNanos;
  }

  /** Failed attempts since the last success. */
  int failures() {
    return failures;
  }

  /** How long until the next attempt is allowed; zero when it is allowed now. */
  Duration untilNextAttempt() {
    return mayAttempt() ? Duration.ZERO : Duration.ofNanos(nextAttemptNanos - nanoTime.getAsLong());
  }
}
