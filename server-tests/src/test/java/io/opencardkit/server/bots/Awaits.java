package io.opencardkit.server.bots;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for what the server or a bot does on its own threads, by polling a condition until a deadline. */
final class Awaits {
  static final Duration WAIT = Duration.ofSeconds(20);

  private Awaits() {}

  static void until(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(what + ": still not true after " + WAIT);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // a polling interval, not a guess at timing
    }
  }
}
