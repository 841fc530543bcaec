package io.opencardkit.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One timed phase: every stream runs from {@link #startNanos} until {@link #endNanos}; only
 * requests that complete inside the measuring window {@code [measureStartNanos, endNanos)} are
 * counted, and their latency, except in a paced phase (see {@link #latencyCounts}). Each stream
 * keeps its own {@link Stats} (it runs on one event loop), merged when all streams have stopped.
 */
public final class Phase {
  /** What the streams send in this phase. */
  public enum Kind {
    UPDATES("PUT /open-apis/cardkit/v1/cards/:card_id/elements/md/content (full text)"),
    BOT_INFO("GET /open-apis/bot/v3/info (authenticated no-op)"),
    HEALTHZ("GET /healthz (unauthenticated no-op)"),
    /**
     * The update phase's very calls, to a bare Vert.x handler in a JVM of its own (issue 9's ingest
     * reference).
     */
    BARE("the same calls to a bare Vert.x handler (reads the body, answers a fixed JSON)");

    final String endpoint;

    Kind(String endpoint) {
      this.endpoint = endpoint;
    }
  }

  final Kind kind;
  final long startNanos;
  final long measureStartNanos;
  final long endNanos;

  /**
   * Time between two sends of one stream on its fixed schedule; 0 for a closed loop (send when
   * answered).
   */
  final long intervalNanos;

  private final CountDownLatch running;
  private final List<Stats> perStream = new ArrayList<>();

  /** A closed-loop phase: each stream sends as soon as its previous answer arrived. */
  public Phase(Kind kind, long startNanos, long warmupNanos, long measureNanos, int streams) {
    this(kind, startNanos, warmupNanos, measureNanos, streams, 0);
  }

  /**
   * A paced phase when {@code totalRate} > 0: {@code totalRate} requests/s spread evenly over the
   * {@code streams}, each on a fixed schedule; a closed loop when it is 0.
   */
  public Phase(
      Kind kind,
      long startNanos,
      long warmupNanos,
      long measureNanos,
      int streams,
      double totalRate) {
    this.kind = kind;
    this.startNanos = startNanos;
    this.measureStartNanos = startNanos + warmupNanos;
    this.endNanos = measureStartNanos + measureNanos;
    this.intervalNanos = totalRate > 0 ? (long) (streams * 1e9 / totalRate) : 0;
    this.running = new CountDownLatch(streams);
  }

  /**
   * Sleeps until {@link System#nanoTime()} reaches {@code nanos}, e.g. a phase's measureStartNanos
   * or endNanos.
   */
  public static void sleepUntil(long nanos) throws InterruptedException {
    long left;
    while ((left = nanos - System.nanoTime()) > 0) {
      Thread.sleep(Math.max(1, left / 1_000_000), (int) (left % 1_000_000));
    }
  }

  public long measureStartNanos() {
    return measureStartNanos;
  }

  public long endNanos() {
    return endNanos;
  }

  /** Requests/s this phase offers in all, 0 for a closed loop. */
  double offeredRate(int streams) {
    return intervalNanos == 0 ? 0 : streams * 1e9 / intervalNanos;
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

  /**
   * Whether a request's latency goes into the phase's histogram. In a closed loop: when it
   * completed in the window, as it is counted. In a paced phase, where latency runs from the
   * scheduled time: when it was scheduled in the window, as the offered requests are counted. A
   * request scheduled during the warm-up but answered in the window carries the warm-up's backlog
   * (a fresh server that cannot keep up for its first seconds): it belongs to the warm-up, and
   * there is at most one such request per stream, because each stream starts the window on
   * schedule.
   */
  boolean latencyCounts(long scheduledNanos, long completedNanos) {
    return intervalNanos > 0 ? inWindow(scheduledNanos) : inWindow(completedNanos);
  }

  void streamStopped() {
    running.countDown();
  }

  /**
   * Waits for every stream to stop after the end (its last request answered), at most {@code
   * timeoutSeconds}.
   */
  public boolean awaitStopped(long timeoutSeconds) throws InterruptedException {
    return running.await(timeoutSeconds, TimeUnit.SECONDS);
  }

  public double measureSeconds() {
    return (endNanos - measureStartNanos) / 1e9;
  }

  /** The streams' counters added up; call after {@link #awaitStopped}. */
  public synchronized Stats merged() {
    Stats all = new Stats();
    for (Stats s : perStream) {
      all.add(s);
    }
    return all;
  }

  /**
   * Counters of one stream (or of all, once merged). Not thread-safe: one stream writes its own.
   */
  public static final class Stats {
    /**
     * Microseconds from send (or intended send, with --rate) to the end of the response,
     * acknowledged calls only.
     */
    public final Histogram latencyMicros = new Histogram(60_000_000L, 3);

    /**
     * Card create, send and close-streaming calls the update phase made (not counted as updates).
     */
    final Histogram lifecycleMicros = new Histogram(60_000_000L, 3);

    public long acked;

    /**
     * Paced phases only: sends whose scheduled time fell in the measured window (what was offered).
     */
    long offered;

    long requestBytes; // of acknowledged calls
    long cardsStarted;
    long cardsClosed;
    public final Map<String, Long> errors = new TreeMap<>();

    void error(String what) {
      errors.merge(what, 1L, Long::sum);
    }

    public long errorCount() {
      return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    void add(Stats o) {
      latencyMicros.add(o.latencyMicros);
      lifecycleMicros.add(o.lifecycleMicros);
      acked += o.acked;
      offered += o.offered;
      requestBytes += o.requestBytes;
      cardsStarted += o.cardsStarted;
      cardsClosed += o.cardsClosed;
      o.errors.forEach((k, v) -> errors.merge(k, v, Long::sum));
    }
  }
}
