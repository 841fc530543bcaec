package io.opencardkit.server.http;

import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids in Feishu's shape: a UTC timestamp followed by random hex, e.g. {@code
 * 202611240832219778D691D6E0}.
 *
 * <p>Every call gets one, so it is built without a formatter per call: the timestamp is formatted
 * once per second (per thread, as event loops call this concurrently) and the 20 hex digits are
 * written directly.
 */
public final class LogIds {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();
  private static final int RANDOM_DIGITS = 20;

  private final Clock clock;
  private final ThreadLocal<Stamp> stamps =
      ThreadLocal.withInitial(() -> new Stamp(Long.MIN_VALUE, ""));

  public LogIds(Clock clock) {
    this.clock = clock;
  }

  private record Stamp(long second, String text) {}

  public String next() {
    long second = Math.floorDiv(clock.millis(), 1000);
    Stamp stamp = stamps.get();
    if (stamp.second() != second) {
      String text = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC).format(STAMP);
      stamp = new Stamp(second, text);
      stamps.set(stamp);
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = random.nextLong();
    int low = random.nextInt(0x10000);
    char[] id = new char[stamp.text().length() + RANDOM_DIGITS];
    stamp.text().getChars(0, stamp.text().length(), id, 0);
    int at = stamp.text().length();
    for (int shift = 60; shift >= 0; shift -= 4) {
      id[at++] = HEX[(int) (high >>> shift) & 0xF];
    }
    for (int shift = 12; shift >= 0; shift -= 4) {
      id[at++] = HEX[(low >>> shift) & 0xF];
    }
    return new String(id);
  }
}
