package io.opencardkit.bus.redis;

/**
 * Reconnection delays that double from a first delay up to a ceiling, and start over after a
 * success.
 */
final class Backoff {
  private final long firstMillis;
  private final long maxMillis;
  private long nextMillis;

  Backoff(long firstMillis, long maxMillis) {
    this.firstMillis = firstMillis;
    this.maxMillis = maxMillis;
    this.nextMillis = firstMillis;
  }

  /** The bus's default: 100 ms, doubling up to 5 s. */
  static Backoff standard() {
    return new Backoff(100, 5_000);
  }

  /** The delay before the next attempt; each call doubles the following one, up to the ceiling. */
  long nextDelayMillis() {
    long delay = nextMillis;
    nextMillis = Math.min(nextMillis * 2, maxMillis);
    return delay;
  }

  /** Starts over from the first delay (after a successful connection). */
  void reset() {
    nextMillis = firstMillis;
  }
}
