package io.opencardkit.client;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs the writer steps of card streams. A stream never has more than one step scheduled or
 * running, so any executor keeps each stream's calls in order; steps make blocking SDK calls, so
 * the executor's thread count bounds how many streams can be in a call at once. Tests substitute a
 * scheduler that runs steps on a fake clock.
 */
@FunctionalInterface
public interface Scheduler {
  /**
   * Runs {@code step} once, after {@code delay} (zero: as soon as possible).
   *
   * @throws java.util.concurrent.RejectedExecutionException when the scheduler was shut down
   */
  void schedule(Runnable step, Duration delay);

  /** A scheduler over an executor the caller owns (and shuts down). */
  static Scheduler of(ScheduledExecutorService executor) {
    Objects.requireNonNull(executor, "executor");
    return (step, delay) -> executor.schedule(step, delay.toNanos(), TimeUnit.NANOSECONDS);
  }
}
