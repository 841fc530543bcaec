package io.opencardkit.core.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits a card lives by.
 *
 * @param streamingTimeout how long after streaming was last opened it switches itself off (Feishu:
 *     10 minutes)
 * @param operationsPerSecond per-card ceiling outside streaming mode (Feishu: 10)
 * @param lifetime how long a card entity can be used after creation (Feishu: 14 days)
 * @param maxContentChars the longest streamed text (Feishu: 100,000 characters)
 */
public record CardLimits(
    Duration streamingTimeout, int operationsPerSecond, Duration lifetime, int maxContentChars) {
  public CardLimits {
    Objects.requireNonNull(streamingTimeout, "streamingTimeout");
    Objects.requireNonNull(lifetime, "lifetime");
    if (streamingTimeout.isNegative() || streamingTimeout.isZero()) {
      throw new IllegalArgumentException("streamingTimeout must be positive: " + streamingTimeout);
    }
    if (operationsPerSecond < 1) {
      throw new IllegalArgumentException(
          "operationsPerSecond must be at least 1: " + operationsPerSecond);
    }
  }

  /** Feishu's limits. */
  public static CardLimits feishu() {
    return new CardLimits(Duration.ofMinutes(10), 10, Duration.ofDays(14), 100_000);
  }

  /** The same limits with another streaming window (the {@code --streaming-timeout} flag). */
  public CardLimits withStreamingTimeout(Duration timeout) {
    return new CardLimits(timeout, operationsPerSecond, lifetime, maxContentChars);
  }
}
