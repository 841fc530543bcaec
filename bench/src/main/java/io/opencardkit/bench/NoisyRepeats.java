package io.opencardkit.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Option;

/**
 * Options, and the loop, for running a measurement again when other processes of the shared machine
 * disturbed it: a picocli mixin of StreamingLoad and ClusterLoad. The last run counts; the
 * discarded runs' disturbance is kept for the report.
 */
public final class NoisyRepeats {
  @Option(
      names = "--noisy-above",
      description =
          "Run a step again when other processes of the machine used more cores than this during its window; negative: never (default: ${DEFAULT-VALUE}).")
  double noisyAbove;

  @Option(
      names = "--max-repeats",
      description =
          "How often a noisy step is run again at most; the last run counts (default: ${DEFAULT-VALUE}).")
  int maxRepeats = 3;

  /**
   * @param noisyAbove the default threshold in cores; negative to never repeat unless asked
   */
  public NoisyRepeats(double noisyAbove) {
    this.noisyAbove = noisyAbove;
  }

  /**
   * One run of a measurement; {@code discarded} holds the other processes' cores of the runs
   * discarded before it.
   */
  @FunctionalInterface
  public interface Attempt<T> {
    T run(List<Double> discarded) throws InterruptedException;
  }

  /**
   * Runs {@code attempt} until {@code otherCores} of its result is at most --noisy-above, or
   * --max-repeats more times.
   */
  public <T> T untilQuiet(Attempt<T> attempt, ToDoubleFunction<T> otherCores, String what)
      throws InterruptedException {
    List<Double> discarded = new ArrayList<>();
    while (true) {
      T result = attempt.run(List.copyOf(discarded));
      double other = otherCores.applyAsDouble(result);
      if (noisyAbove < 0 || other <= noisyAbove || discarded.size() >= maxRepeats) {
        return result;
      }
      discarded.add(other);
      System.err.printf(
          Locale.ROOT, "other processes used %.2f cores: running %s again%n", other, what);
    }
  }
}
