package io.opencardkit.bench.fanout;

/**
 * Latencies in microseconds, log-linear buckets (exact below 1,024 µs, then 512 buckets per power
 * of two, so a reported percentile is within 0.2 % of the true value). Not thread-safe: each client
 * event loop keeps its own and they are merged after a phase.
 */
final class LatencyHistogram {
  private static final int LINEAR = 1024;
  private static final int SUB = 512;
  private static final int POWERS = 40;

  private final long[] counts = new long[LINEAR + POWERS * SUB];
  private long total;
  private long max;
  private double sum;

  void record(long micros) {
    long v = Math.max(0, micros);
    counts[index(v)]++;
    total++;
    sum += v;
    max = Math.max(max, v);
  }

  void add(LatencyHistogram other) {
    for (int i = 0; i < counts.length; i++) {
      counts[i] += other.counts[i];
    }
    total += other.total;
    sum += other.sum;
    max = Math.max(max, other.max);
  }

  long count() {
    return total;
  }

  long maxMicros() {
    return max;
  }

  double meanMicros() {
    return total == 0 ? Double.NaN : sum / total;
  }

  /**
   * The smallest recorded bucket value at or above the given fraction of samples ({@code 0.99} =
   * p99).
   */
  long percentileMicros(double fraction) {
    if (total == 0) {
      return -1;
    }
    long rank = Math.max(1, (long) Math.ceil(fraction * total));
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return Math.min(max, upperBound(i));
      }
    }
    return max;
  }

  private static int index(long v) {
    if (v < LINEAR) {
      return (int) v;
    }
    int exponent = 63 - Long.numberOfLeadingZeros(v) - 9; // v >> exponent is in 512..1023
    int power = Math.min(exponent, POWERS);
    long sub = Math.min(SUB - 1, (v >> power) - SUB);
    return LINEAR + (power - 1) * SUB + (int) sub;
  }

  private static long upperBound(int index) {
    if (index < LINEAR) {
      return index;
    }
    int power = (index - LINEAR) / SUB + 1;
    long sub = (index - LINEAR) % SUB + (long) SUB;
    return ((sub + 1) << power) - 1;
  }
}
