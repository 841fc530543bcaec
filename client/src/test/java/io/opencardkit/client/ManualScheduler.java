package io.opencardkit.client;

import io.opencardkit.server.testkit.MutableClock;
import java.time.Duration;
import java.util.PriorityQueue;

/**
 * A {@link Scheduler} on a fake clock: steps run on the test's thread, in due order, when the test
 * says so, and the clock jumps to each step's due time. Waiting for the cadence or a retry backoff
 * takes no real time.
 */
final class ManualScheduler implements Scheduler {
  private static final int MAX_STEPS = 200_000;

  private record Task(long due, long order, Runnable step) {}

  private final MutableClock clock;
  private final PriorityQueue<Task> queue =
      new PriorityQueue<>(
          (a, b) ->
              a.due() != b.due()
                  ? Long.compare(a.due(), b.due())
                  : Long.compare(a.order(), b.order()));
  private long order;
  private int steps;

  ManualScheduler(MutableClock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized void schedule(Runnable step, Duration delay) {
    queue.add(new Task(clock.millis() + delay.toMillis(), order++, step));
  }

  /** Runs steps (moving the clock forward to each) until none is scheduled. */
  void runUntilIdle() {
    Task task;
    while ((task = next(Long.MAX_VALUE)) != null) {
      run(task);
    }
  }

  /**
   * Runs the steps due within {@code duration}, then leaves the clock {@code duration} later than
   * it was.
   */
  void runFor(Duration duration) {
    long end = clock.millis() + duration.toMillis();
    Task task;
    while ((task = next(end)) != null) {
      run(task);
    }
    if (clock.millis() < end) {
      clock.advance(Duration.ofMillis(end - clock.millis()));
    }
  }

  /** How many steps ran so far. */
  int steps() {
    return steps;
  }

  private synchronized Task next(long notAfter) {
    Task head = queue.peek();
    if (head == null || head.due() > notAfter) {
      return null;
    }
    return queue.poll();
  }

  private void run(Task task) {
    if (task.due() > clock.millis()) {
      clock.advance(Duration.ofMillis(task.due() - clock.millis()));
    }
    if (++steps > MAX_STEPS) {
      throw new AssertionError(
          "more than " + MAX_STEPS + " writer steps: the stream does not settle");
    }
    task.step().run();
  }
}
