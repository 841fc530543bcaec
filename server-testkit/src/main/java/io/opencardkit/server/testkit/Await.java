package io.opencardkit.server.testkit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Waits for something the server does on its own (a timer), by polling a condition until a deadline. */
public final class Await {
  /** A condition that may call the server. */
  @FunctionalInterface
  public interface Condition {
    boolean holds() throws Exception;
  }

  private Await() {}

  /** Returns once {@code condition} holds; fails the test when it still does not at the deadline. */
  public static void until(Duration timeout, Condition condition) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("condition still false after " + timeout);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // a polling interval, not a guess at timing
    }
  }
}
