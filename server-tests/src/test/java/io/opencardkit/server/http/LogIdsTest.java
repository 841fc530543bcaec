package io.opencardkit.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.server.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

final class LogIdsTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T08:32:21.500Z"));
  private final LogIds logIds = new LogIds(clock);

  @Test
  void next_isTheUtcSecondFollowedByTwentyHexDigits() {
    assertThat(logIds.next()).matches("20261124083221[0-9A-F]{20}");
  }

  @Test
  void next_followsTheClockAcrossSeconds() {
    logIds.next();
    clock.advance(Duration.ofMillis(600));
    assertThat(logIds.next()).startsWith("20261124083222");
    clock.advance(Duration.ofDays(1));
    assertThat(logIds.next()).startsWith("20261125083222");
  }

  @Test
  void next_givesDistinctIds() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      ids.add(logIds.next());
    }
    assertThat(ids).hasSize(10_000);
  }
}
