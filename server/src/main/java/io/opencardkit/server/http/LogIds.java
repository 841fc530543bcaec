package io.opencardkit.server.http;

import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;

/** Request ids in Feishu's shape: a UTC timestamp followed by random hex, e.g. {@code 202611240832219778D691D6E0}. */
public final class LogIds {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
  private final Clock clock;

  public LogIds(Clock clock) {
    this.clock = clock;
  }

  public String next() {
    String stamp = LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC).format(STAMP);
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return stamp + String.format("%016X%04X", random.nextLong(), random.nextInt(0x10000));
  }
}
