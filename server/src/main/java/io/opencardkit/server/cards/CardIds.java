package io.opencardkit.server.cards;

import io.opencardkit.core.store.CardStore;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Card ids shaped like Feishu's: decimal strings of 19 digits (a Snowflake-style time and counter).
 * Clients build 64-character idempotency keys from them, so they never exceed 19 digits.
 *
 * <p>Ids are unique across restarts even when the wall clock reads the same or an earlier time than
 * before (a clock stepped back, a restart within the same millisecond, a test clock): the runtime
 * records the last issued id in the store's meta with each new card, and a new instance starts
 * after it.
 */
public final class CardIds {
  /** Meta key of the last id issued, written in the same batch as the card it names. */
  public static final String LAST_ISSUED_META_KEY = "card_ids.last_issued";

  private static final long EPOCH_MILLIS =
      1_288_834_974_657L; // the classic Snowflake epoch: ids start with 7 today
  private final Clock clock;
  private final long node; // 0..1023, distinguishes nodes of a cluster
  private final AtomicLong last = new AtomicLong();

  public CardIds(Clock clock, int node) {
    this(clock, node, 0);
  }

  /**
   * @param lastIssued the highest id issued by earlier runs on the same data, 0 for none; every new
   *     id is greater
   */
  public CardIds(Clock clock, int node, long lastIssued) {
    this.clock = clock;
    this.node = node & 0x3FF;
    this.last.set(Math.max(0, lastIssued));
  }

  /** The last id recorded in {@code store} by earlier runs, 0 when none was. */
  public static long lastIssuedIn(CardStore store) {
    return store.meta(LAST_ISSUED_META_KEY).map(Long::parseLong).orElse(0L);
  }

  public String next() {
    long candidate = ((clock.millis() - EPOCH_MILLIS) << 22) | (node << 12);
    long id = last.updateAndGet(previous -> Math.max(previous + 1, candidate));
    return Long.toString(id);
  }
}
