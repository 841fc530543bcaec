package io.opencardkit.server.http;

import java.time.Duration;

/**
 * Whether the node is stopping, and the OpenAPI calls still being answered. Once {@link #begin()}
 * is called {@code /healthz} answers 503 (balancers take the node out first), and {@link
 * #awaitCallsAnswered} lets the calls in flight finish: a write acknowledged to its caller is
 * committed before the store closes.
 */
public final class Draining {
  private volatile boolean draining;
  private int callsInFlight; // guarded by this

  /** Starts draining; idempotent. */
  public void begin() {
    draining = true;
  }

  public boolean draining() {
    return draining;
  }

  synchronized void callStarted() {
    callsInFlight++;
  }

  synchronized void callEnded() {
    callsInFlight--;
    if (callsInFlight == 0) {
      notifyAll();
    }
  }

  /** OpenAPI calls received and not yet answered. */
  public synchronized int callsInFlight() {
    return callsInFlight;
  }

  /**
   * Waits until no OpenAPI call is in flight, at most {@code timeout}; returns whether none is.
   * Call off the event loops.
   */
  public synchronized boolean awaitCallsAnswered(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (callsInFlight > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }
}
