package io.opencardkit.server.im;

import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Message ids shaped like Feishu's ({@code om_} + 32 hex digits) that sort in send order: time
 * first, then a counter, then random bits. Listing a chat orders by creation time and then id, so
 * two messages sent in the same millisecond still list in the order they were sent.
 */
final class MessageIds {
  private final Clock clock;
  private final AtomicLong last = new AtomicLong();

  MessageIds(Clock clock) {
    this.clock = clock;
  }

  String next() {
    long candidate = clock.millis() << 16;
    long ordered = last.updateAndGet(previous -> Math.max(previous + 1, candidate));
    return String.format("om_%016x%016x", ordered, ThreadLocalRandom.current().nextLong());
  }
}
