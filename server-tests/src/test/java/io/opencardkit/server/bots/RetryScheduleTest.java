package io.opencardkit.server.bots;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

final class RetryScheduleTest {
  @Test
  void feishu_afterEachFailure_waitsTheDocumentedDelaysThenGivesUp() {
    RetrySchedule s = RetrySchedule.FEISHU;

    assertThat(s.after(1)).hasValue(Duration.ofSeconds(15));
    assertThat(s.after(2)).hasValue(Duration.ofMinutes(5));
    assertThat(s.after(3)).hasValue(Duration.ofHours(1));
    assertThat(s.after(4)).hasValue(Duration.ofHours(6));
    assertThat(s.after(5)).isEmpty();
  }

  @Test
  void after_zeroFailures_isEmpty() {
    assertThat(RetrySchedule.FEISHU.after(0)).isEmpty();
  }

  @Test
  void constructor_negativeDelay_isRefused() {
    assertThatThrownBy(() -> new RetrySchedule(List.of(Duration.ofSeconds(-1))))
        .hasMessageContaining("cannot be negative");
  }
}
