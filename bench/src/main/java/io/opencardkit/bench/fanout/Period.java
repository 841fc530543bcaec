package io.opencardkit.bench.fanout;

/** A span of time whose frames are tallied, one {@link Tally} per client event loop. */
public final class Period {
  final long startNanos;
  private volatile long endNanos = Long.MAX_VALUE;
  final Tally[] perLoop;

  Period(long startNanos, int loops) {
    this.startNanos = startNanos;
    this.perLoop = new Tally[loops];
    for (int i = 0; i < loops; i++) {
      perLoop[i] = new Tally();
    }
  }

  /**
   * The tally to count a frame received at {@code nanos} in, or {@code null} when outside the
   * period.
   */
  Tally at(long nanos, int loop) {
    return nanos >= startNanos && nanos < endNanos ? perLoop[loop] : null;
  }

  void end(long nanos) {
    endNanos = nanos;
  }

  long endNanos() {
    return endNanos;
  }

  double seconds() {
    return (endNanos - startNanos) / 1e9;
  }
}
