package io.opencardkit.bus.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

final class BackoffTest {

  @Test
  void nextDelayMillis_standard_doublesFrom100MsUpTo5s() {
    Backoff backoff = Backoff.standard();

    assertThat(LongStream.generate(backoff::nextDelayMillis).limit(9))
        .containsExactly(100L, 200L, 400L, 800L, 1600L, 3200L, 5000L, 5000L, 5000L);
  }

  @Test
  void reset_afterGrowth_startsOverFromTheFirstDelay() {
    Backoff backoff = new Backoff(10, 1_000);
    backoff.nextDelayMillis();
    backoff.nextDelayMillis();

    backoff.reset();

    assertThat(backoff.nextDelayMillis()).isEqualTo(10);
  }
}
