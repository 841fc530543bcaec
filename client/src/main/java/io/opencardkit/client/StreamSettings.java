package io.opencardkit.client;

import java.time.Clock;
import java.time.Duration;

/** The validated options every stream of one {@link CardStreams} shares. */
record StreamSettings(
    Duration minInterval,
    Duration windowMargin,
    int maxCardBytes,
    String continuedSummary,
    String title,
    Clock clock,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration giveUpAfter) {

  /** The minimum time between two content calls on one card. */
  long minIntervalMillis() {
    return minInterval.toMillis();
  }

  /**
   * The retry delay before attempt {@code attempt + 1}: doubling from the initial backoff up to the
   * maximum.
   */
  long backoffMillis(int attempt, long retryAfterMillis) {
    long delay = initialBackoff.toMillis();
    for (int i = 1; i < attempt && delay < maxBackoff.toMillis(); i++) {
      delay *= 2;
    }
    return Math.max(Math.min(delay, maxBackoff.toMillis()), retryAfterMillis);
  }
}
