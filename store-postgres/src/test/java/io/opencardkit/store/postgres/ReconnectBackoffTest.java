package io.opencardkit.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

final class ReconnectBackoffTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final ReconnectBackoff backoff =
      new ReconnectBackoff(now::get, Duration.ofMillis(100), Duration.ofMillis(350));

  @Test
  void mayAttempt_beforeAnyFailure_isTrue() {
    // the first attempt after a lost connection is immediate: one killed session is no outage
    assertThat(backoff.mayAttempt()).isTrue();
    assertThat(backoff.untilNextAttempt()).isEqualTo(Duration.ZERO);
  }

  @Test
  void failed_waitsDoubleEachTime_upToTheMaximum() {
    backoff.failed();
    assertThat(backoff.untilNextAttempt()).isEqualTo(Duration.ofMillis(100));
    advance(99);
    assertThat(backoff.mayAttempt()).isFalse();
    advance(1);
    assertThat(backoff.mayAttempt()).isTrue();

    backoff.failed();
    assertThat(backoff.untilNextAttempt()).isEqualTo(Duration.ofMillis(200));
    advance(200);
    backoff.failed();
    assertThat(backoff.untilNextAttempt()).isEqualTo(Duration.ofMillis(350)); // 400, capped
    assertThat(backoff.failures()).isEqualTo(3);
  }

  @Test
  void succeeded_resetsTheWait() {
    backoff.failed();
    backoff.failed();

    backoff.succeeded();

    assertThat(backoff.mayAttempt()).isTrue();
    backoff.failed();
    assertThat(backoff.untilNextAttempt()).isEqualTo(Duration.ofMillis(100));
  }

  private void advance(long millis) {
    now.addAndGet(Duration.ofMillis(millis).toNanos());
  }
}
