package io.opencardkit.server.web;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many messages a person may post per second in one chat from the web chat (Feishu allows a
 * user 5 per second and chat): a token bucket per person and chat that holds a second's worth and
 * refills continuously, so a short burst passes and a flood is refused.
 *
 * <p>Implementation notes: buckets live in a concurrent map, each updated under its own lock
 * (requests of several event loops may meet on one). A full bucket is the same as none, so the map
 * drops full buckets when it grows. Each node counts the requests it serves.
 */
final class MessageRate {
  private static final int PRUNE_ABOVE = 10_000;

  private final int perSecond; // 0: no limit
  private final Clock clock;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  MessageRate(int perSecond, Clock clock) {
    this.perSecond = perSecond;
    this.clock = clock;
  }

  int perSecond() {
    return perSecond;
  }

  private static final class Bucket {
    double tokens;
    long updatedAt;

    Bucket(double tokens, long updatedAt) {
      this.tokens = tokens;
      this.updatedAt = updatedAt;
    }
  }

  /**
   * Takes one message of {@code openId}'s allowance in {@code chatId}.
   *
   * @return 0 when the message may go, else how many milliseconds until it would
   */
  long tryAcquire(String openId, String chatId) {
    if (perSecond == 0) {
      return 0;
    }
    long now = clock.millis();
    Bucket bucket =
        buckets.computeIfAbsent(openId + '\n' + chatId, k -> new Bucket(perSecond, now));
    long wait;
    synchronized (bucket) {
      refill(bucket, now);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        wait = 0;
      } else {
        wait = Math.max(1, (long) Math.ceil((1 - bucket.tokens) * 1000 / perSecond));
      }
    }
    if (buckets.size() > PRUNE_ABOVE) {
      buckets
          .values()
          .removeIf(
              b -> {
                synchronized (b) {
                  refill(b, now);
                  return b.tokens >= perSecond;
                }
              });
    }
    return wait;
  }

  private void refill(Bucket bucket, long now) {
    long elapsed = Math.max(0, now - bucket.updatedAt);
    bucket.tokens = Math.min(perSecond, bucket.tokens + elapsed * perSecond / 1000.0);
    bucket.updatedAt = now;
  }
}
