package io.opencardkit.bus.redis;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Polls a condition until it holds or a deadline passes: tests wait for what they expect, never a
 * fixed time.
 */
final class Await {
  static final Duration DEADLINE = Duration.ofSeconds(20);

  private Await() {}

  /**
   * Returns once {@code condition} holds; fails with {@code what} and {@code state} after {@link
   * #DEADLINE}.
   */
  static void until(String what, BooleanSupplier condition, Supplier<?> state) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "not within " + DEADLINE + ": " + what + " (now: " + state.get() + ")");
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting: " + what, e);
      }
    }
  }

  static void until(String what, BooleanSupplier condition) {
    until(what, condition, () -> "-");
  }
}
