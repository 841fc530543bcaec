package io.opencardkit.server.bots;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * When a failed event delivery is tried again: after each failure the next delay of the list, then
 * never. Feishu retries an event 15 s, 5 min, 1 h and 6 h after failed pushes; we do the same by
 * default.
 *
 * @param delays the waits after the 1st, 2nd, … failed attempt
 */
record RetrySchedule(List<Duration> delays) {
  static final RetrySchedule FEISHU =
      new RetrySchedule(
          List.of(
              Duration.ofSeconds(15),
              Duration.ofMinutes(5),
              Duration.ofHours(1),
              Duration.ofHours(6)));

  RetrySchedule {
    delays = List.copyOf(delays);
    for (Duration d : delays) {
      if (d.isNegative()) {
        throw new IllegalArgumentException("a retry delay cannot be negative: " + d);
      }
    }
  }

  /**
   * The wait after {@code failedAttempts} failed attempts (1 after the first), or empty when it is
   * time to give up.
   */
  Optional<Duration> after(int failedAttempts) {
    if (failedAttempts < 1 || failedAttempts > delays.size()) {
      return Optional.empty();
    }
    return Optional.of(delays.get(failedAttempts - 1));
  }
}
