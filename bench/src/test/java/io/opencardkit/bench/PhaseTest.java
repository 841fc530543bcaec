package io.opencardkit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

final class PhaseTest {
  private static final long SECOND = 1_000_000_000L;

  // starts at 0, measures from 5 s to 35 s
  private static Phase phase(double totalRate) {
    return new Phase(Phase.Kind.UPDATES, 0, 5 * SECOND, 30 * SECOND, 10, totalRate);
  }

  @Test
  void paced_aRequestScheduledInTheWarmUp_isLeftOutOfTheLatencyThoughAnsweredInTheWindow() {
    Phase paced = phase(100);

    assertThat(paced.latencyCounts(4 * SECOND, 6 * SECOND)).isFalse();
    assertThat(paced.inWindow(6 * SECOND)).isTrue(); // it still counts as acknowledged
  }

  @Test
  void paced_aRequestScheduledInTheWindow_countsEvenWhenAnsweredAfterIt() {
    Phase paced = phase(100);

    assertThat(paced.latencyCounts(34 * SECOND, 36 * SECOND)).isTrue();
    assertThat(paced.latencyCounts(35 * SECOND, 36 * SECOND)).isFalse();
  }

  @Test
  void closedLoop_latencyCountsWhenTheAnswerArrivesInTheWindow() {
    Phase closed = phase(0);

    assertThat(closed.latencyCounts(4 * SECOND, 6 * SECOND)).isTrue();
    assertThat(closed.latencyCounts(34 * SECOND, 36 * SECOND)).isFalse();
  }
}
