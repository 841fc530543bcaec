package io.opencardkit.bench.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.opencardkit.bench.CpuMeter;
import io.opencardkit.bench.fanout.FanoutLoad.Step;
import io.opencardkit.bench.process.GcLog;
import io.opencardkit.bench.process.Placement;
import io.opencardkit.bench.process.ServerProcess;
import io.opencardkit.bench.process.ThreadCpu;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fan-out report's arithmetic: which steps meet the goal, the knee, the same-step pairs and
 * ratios.
 */
class FanoutReportTest {
  private static final Duration P99_GOAL = Duration.ofMillis(60);

  /**
   * A step whose p99 is {@code p99Millis} (2 of 100 frames that late, the rest at 1 ms) and whose
   * process used {@code cores}.
   */
  private static Step step(
      String system,
      double nominal,
      double offered,
      double delivered,
      long p99Millis,
      double cores) {
    Tally w = new Tally();
    for (int i = 0; i < 98; i++) {
      w.latency.record(1000);
    }
    w.latency.record(p99Millis * 1000);
    w.latency.record(p99Millis * 1000);
    ServerProcess.Usage target =
        new ServerProcess.Usage(
            15, new ThreadCpu.Usage(cores, Map.of(), 1), 100_000, GcLog.Pauses.NONE);
    CpuMeter.Usage self = new CpuMeter.Usage(15, 7.5, Map.of(), 0, 0, 30, -1);
    return new Step(
        system,
        (int) (nominal / 2500),
        nominal,
        offered,
        delivered,
        w,
        w,
        self,
        target,
        0,
        0,
        null,
        0,
        0);
  }

  @Test
  void aStepMeetsTheGoalWithLowP99AndAlmostAllOfferedDelivered() {
    assertThat(step("OpenCardKit", 25_000, 25_000, 24_800, 60, 1).meetsGoal(P99_GOAL, 0.99))
        .isTrue();
    assertThat(step("OpenCardKit", 25_000, 25_000, 24_700, 60, 1).meetsGoal(P99_GOAL, 0.99))
        .isFalse(); // 98.8 %
    assertThat(step("OpenCardKit", 25_000, 25_000, 25_000, 61, 1).meetsGoal(P99_GOAL, 0.99))
        .isFalse();
    assertThat(step("OpenCardKit", 25_000, 23_000, 23_000, 10, 1).meetsGoal(P99_GOAL, 0.99))
        .isFalse(); // the bots fell behind
  }

  @Test
  void aStepWithAGapOrAProtocolErrorFails() {
    Step gap = step("OpenCardKit", 25_000, 25_000, 25_000, 10, 1);
    gap.window().gaps = 1;
    Step unknown = step("OpenCardKit", 25_000, 25_000, 25_000, 10, 1);
    unknown.window().unknownStreams = 1;

    assertThat(gap.meetsGoal(P99_GOAL, 0.99)).isFalse();
    assertThat(unknown.meetsGoal(P99_GOAL, 0.99)).isFalse();
  }

  @Test
  void theKneeIsTheHighestGoodStepAndALowerBoundWhenTheTopStepPassed() {
    List<Step> steps =
        List.of(
            step("OpenCardKit", 25_000, 25_000, 25_100, 20, 0.5),
            step("OpenCardKit", 50_000, 50_000, 50_200, 40, 0.9),
            step("OpenCardKit", 100_000, 100_000, 80_000, 900, 1.0));
    List<Step> allGood = steps.subList(0, 2);

    FanoutReport.Knee knee = FanoutReport.knee(steps, s -> s.meetsGoal(P99_GOAL, 0.99));
    FanoutReport.Knee bound = FanoutReport.knee(allGood, s -> s.meetsGoal(P99_GOAL, 0.99));

    assertThat(knee.framesPerSecond()).isEqualTo(50_200);
    assertThat(knee.topStepPassed()).isFalse();
    assertThat(bound.topStepPassed()).isTrue();
    assertThat(bound.describe()).startsWith("≥ 50,200 frames/s");
    assertThat(
            FanoutReport.knee(List.of(steps.get(2)), s -> s.meetsGoal(P99_GOAL, 0.99)).describe())
        .isEqualTo("below the lowest step");
  }

  @Test
  void flatOutStepsAreNotPartOfTheKnee() {
    Step flat = step("reference flat-out", 200_000, 200_000, 200_000, 1, 1);

    assertThat(FanoutReport.knee(List.of(flat), s -> true).framesPerSecond()).isZero();
  }

  @Test
  void stepsPairUpInOrderAndCompareTheirTails() {
    Step ours10 = step("OpenCardKit", 25_000, 25_000, 25_000, 48, 0.9);
    Step ours20 = step("OpenCardKit", 50_000, 50_000, 50_000, 70, 1.4);
    Step ref10 = step("reference", 25_000, 25_000, 25_000, 40, 0.6);
    Step ref20 = step("reference", 50_000, 50_000, 50_000, 50, 1.0);
    Step flat = step("reference flat-out", 90_000, 90_000, 90_000, 1, 1.2);
    FanoutLoad.Section section =
        new FanoutLoad.Section(
            new Placement.Where(null, null),
            "",
            "",
            2,
            "",
            List.of(ours10, ours20),
            List.of(ref10, ref20, flat),
            null,
            Map.of(),
            "",
            "");

    List<FanoutReport.Pair> pairs = FanoutReport.pairs(section);

    assertThat(pairs).extracting(FanoutReport.Pair::reference).containsExactly(ref10, ref20);
    assertThat(FanoutReport.p99Ratio(ours10, ref10)).isCloseTo(1.2, offset(1e-9));
    assertThat(ours10.microsPerFrame())
        .isCloseTo(36.0, offset(1e-9)); // 0.9 cores / 25,000 frames/s
    assertThat(FanoutReport.ratioText(81_000, 50_000)).isEqualTo("1.62×");
    assertThat(FanoutReport.ratioText(1, 0)).isEqualTo("n/a");
  }

  @Test
  void wireBytesPerAppendedByte() {
    BotFleet.Counters bots = new BotFleet.Counters();
    bots.appendedBytes = 1000;
    Step s =
        new Step(
            "OpenCardKit",
            10,
            25_000,
            25_000,
            25_000,
            new Tally(),
            new Tally(),
            null,
            ServerProcess.Usage.NONE,
            0,
            0,
            bots,
            1_080,
            0);

    assertThat(FanoutReport.wireRatio(s)).isEqualTo(1.08);
  }
}
