package io.opencardkit.server.testkit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits for something the server or a bot does on its own threads (a timer, a delivery), by polling
 * a condition until a deadline.
 */
public final class Await {
  /**
   * How long {@link #until(String, BooleanSupplier)} waits: long enough for a loaded CI machine,
   * never a guess at timing.
   */
  public static final Duration WAIT = Duration.ofSeconds(20);

  /** A condition that may call the server. */
  @FunctionalInterface
  public interface Condition {
    boolean holds() throws Exception;
  }

  private Await() {}

  /**
   * Returns once {@code condition} holds; fails the test when it still does not at the deadline.
   */
  public static void until(Duration timeout, Condition condition) throws Exception {
    poll("condition", timeout, condition);
  }

  /**
   * Returns once {@code condition} holds; fails the test, naming {@code what}, when it still does
   * not after {@link #WAIT}.
   */
  public static void until(String what, BooleanSupplier condition) {
    try {
      poll(what, WAIT, condition::getAsBoolean);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(
          e); // unreachable: a BooleanSupplier throws no checked exception
    }
  }

  private static void poll(String what, Duration timeout, Condition condition) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(what + " still false after " + timeout);
      }
      LockSupport.parkNanos(
          TimeUnit.MILLISECONDS.toNanos(20)); // a polling interval, not a guess at timing
    }
  }
}
