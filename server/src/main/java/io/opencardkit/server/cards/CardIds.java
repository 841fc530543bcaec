package io.opencardkit.server.cards;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Card ids shaped like Feishu's: decimal strings of 19 digits (a Snowflake-style time and counter), unique across
 * restarts because the time part moves forward. Clients build 64-character idempotency keys from them, so they never
 * exceed 19 digits.
 */
public final class CardIds {
  private static final long EPOCH_MILLIS = 1_288_834_974_657L; // the classic Snowflake epoch: ids start with 7 today
  private final Clock clock;
  private final long node; // 0..1023, distinguishes nodes of a cluster
  private final AtomicLong last = new AtomicLong();

  public CardIds(Clock clock, int node) {
    this.clock = clock;
    this.node = node & 0x3FF;
  }

  public String next() {
    long candidate = ((clock.millis() - EPOCH_MILLIS) << 22) | (node << 12);
    long id = last.updateAndGet(previous -> Math.max(previous + 1, candidate));
    return Long.toString(id);
  }
}
