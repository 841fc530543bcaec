package io.opencardkit.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One timed phase: every stream runs from {@link #startNanos} until {@link #endNanos}; only requests that complete
 * inside the measuring window {@code [measureStartNanos, endNanos)} are counted. Each stream keeps its own
 * {@link Stats} (it runs on one event loop), merged when all streams have stopped.
 */
final class Phase {
  /** What the streams send in this phase. */
  enum Kind {
    UPDATES("PUT /open-apis/cardkit/v1/cards/:card_id/elements/md/content (full text)"),
    BOT_INFO("GET /open-apis/bot/v3/info (authenticated no-op)"),
    HEALTHZ("GET /healthz (unauthenticated no-op)");

    final String endpoint;

    Kind(String endpoint) {
      this.endpoint = endpoint;
    }
  }

  final Kind kind;
  final long startNanos;
  final long measureStartNanos;
  final long endNanos;
  private final CountDownLatch running;
  private final List<Stats> perStream = new ArrayList<>();

  Phase(Kind kind, long startNanos, long warmupNanos, long measureNanos, int streams) {
    this.kind = kind;
    this.startNanos = startNanos;
    this.measureStartNanos = startNanos + warmupNanos;
    this.endNanos = measureStartNanos + measureNanos;
    this.running = new CountDownLatch(streams);
  }

  /** A stream's counters for this phase; call once per stream before it starts. */
  synchronized Stats newStats() {
    Stats s = new Stats();
    perStream.add(s);
    return s;
  }

  boolean inWindow(long completedNanos) {
    return completedNanos >= measureStartNanos && completedNanos < endNanos;
  }

  void streamStopped() {
    running.countDown();
  }

  /** Waits for every stream to stop after the end (its last request answered), at most {@code timeoutSeconds}. */
  boolean awaitStopped(long timeoutSeconds) throws InterruptedException {
    return running.await(timeoutSeconds, TimeUnit.SECONDS);
  }

  double measureSeconds() {
    return (endNanos - measureStartNanos) / 1e9;
  }

  /** The streams' counters added up; call after {@link #awaitStopped}. */
  synchronized Stats merged() {
    Stats all = new Stats();
    for (Stats s : perStream) {
      all.add(s);
    }
    return all;
  }

  /** Counters of one stream (or of all, once merged). Not thread-safe: one stream writes its own. */
  static final class Stats {
    /** Microseconds from send (or intended send, with --rate) to the end of the response, acknowledged calls only. */
    final Histogram latencyMicros = new Histogram(60_000_000L, 3);
    /** Card create, send and close-streaming calls the update phase made (not counted as updates). */
    final Histogram lifecycleMicros = new Histogram(60_000_000L, 3);
    long acked;
    long requestBytes; // of acknowledged calls
    long cardsStarted;
    long cardsClosed;
    final Map<String, Long> errors = new TreeMap<>();

    void error(String what) {
      errors.merge(what, 1L, Long::sum);
    }

    long errorCount() {
      return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    void add(Stats o) {
      latencyMicros.add(o.latencyMicros);
      lifecycleMicros.add(o.lifecycleMicros);
      acked += o.acked;
      requestBytes += o.requestBytes;
      cardsStarted += o.cardsStarted;
      cardsClosed += o.cardsClosed;
      o.errors.forEach((k, v) -> errors.merge(k, v, Long::sum));
    }
  }
}
