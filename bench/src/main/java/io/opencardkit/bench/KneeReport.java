package io.opencardkit.bench;

import static io.opencardkit.bench.StreamingLoad.ms;
import static io.opencardkit.bench.StreamingReport.ratio;
import static io.opencardkit.bench.StreamingReport.yes;

import io.opencardkit.bench.StreamingLoad.Result;
import io.opencardkit.bench.StreamingLoad.Run;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * StreamingLoad's Markdown block for a knee search: one row per store and offered rate, then each
 * store's knee (the highest offered rate acknowledged at ≥ 95 % with p99 within the goal,
 * perf-anchors G2) and the goals.
 */
final class KneeReport {
  /**
   * A step is good when at least this share of the offered updates was acknowledged in the window.
   */
  static final double MIN_ACKED_SHARE = 0.95;

  private final StreamingLoad o;
  private final Run run;
  private final List<Result> results;
  private final StringBuilder b = new StringBuilder();

  KneeReport(Run run, List<Result> results) {
    this.o = run.options();
    this.run = run;
    this.results = results;
  }

  boolean good(Result r) {
    return keptUp(r) && ms(r.stats().latencyMicros, 99) <= o.kneeP99.toNanos() / 1e6;
  }

  /**
   * At least {@link #MIN_ACKED_SHARE} of the offered updates acknowledged, whatever the latency.
   */
  private static boolean keptUp(Result r) {
    return r.perSecond() >= MIN_ACKED_SHARE * r.offeredPerSecond();
  }

  String markdown() {
    line(
        StreamingReport.heading(
            run,
            "open loop: each offered rate spread evenly over the streams on fixed schedules, latency from the scheduled send time"));
    line("");
    line(
        "| Store | Offered/s | Sent/s | Acked/s | Acked ÷ offered | p50 ms | p99 ms | p99.9 ms | Errors | Updates per commit | Commits/s |"
            + " Server cores (all but load gen.) | of which writer | Load gen. cores | PostgreSQL cores | Other processes cores | Server µs per update |"
            + " GC pauses / ms (in a process: / longest ms) | Good |");
    line(
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    for (Result r : results) {
      CpuMeter.Usage c = r.cpu();
      double seconds = r.phase().measureSeconds();
      line(
          String.format(
              Locale.ROOT,
              "| %s | %,.0f | %,.0f | **%,.0f** | %.1f %% | %.2f | **%.2f** | %.2f | %d | %.1f | %,.0f | %.2f | %.2f | %.2f | %.2f | %.2f | %.0f | %s | %s |",
              r.store(),
              r.offeredPerSecond(),
              r.stats().offered / seconds,
              r.perSecond(),
              100 * r.perSecond() / r.offeredPerSecond(),
              ms(r.stats().latencyMicros, 50),
              ms(r.stats().latencyMicros, 99),
              ms(r.stats().latencyMicros, 99.9),
              r.stats().errorCount(),
              ratio(r.stats().acked, r.commits()),
              r.commits() < 0 ? Double.NaN : r.commits() / seconds,
              r.serverCores(),
              r.writerCores(),
              r.loadGeneratorCores(),
              c.postgresCores(),
              r.otherCores(),
              r.stats().acked == 0 ? Double.NaN : r.serverCores() * 1e6 / r.perSecond(),
              r.gcPauses(),
              good(r) ? "yes" : "no"));
    }
    line("");
    Map<String, Optional<Result>> knees = knees();
    for (Map.Entry<String, Optional<Result>> k : knees.entrySet()) {
      line(
          k.getValue()
              .map(
                  r ->
                      String.format(
                          Locale.ROOT,
                          "- Knee, %s: **%,.0f updates/s offered**, %,.0f acknowledged, p50 %.2f ms, p99 %.2f ms, %.1f updates per commit (%s).",
                          k.getKey(),
                          r.offeredPerSecond(),
                          r.perSecond(),
                          ms(r.stats().latencyMicros, 50),
                          ms(r.stats().latencyMicros, 99),
                          ratio(r.stats().acked, r.commits()),
                          StreamingReport.commitMeaning(r.store())))
              .orElse(
                  "- Knee, "
                      + k.getKey()
                      + ": no step was good (the knee lies below the lowest step)."));
    }
    for (String store : knees.keySet()) {
      results.stream()
          .filter(r -> r.store().equals(store) && keptUp(r))
          .max(Comparator.comparingDouble(Result::offeredPerSecond))
          .ifPresent(
              r ->
                  line(
                      String.format(
                          Locale.ROOT,
                          "- Highest step acknowledged at ≥ %.0f %% whatever the latency, %s: %,.0f/s offered, %,.0f acknowledged, p99 %.2f ms, %.1f updates per commit.",
                          100 * MIN_ACKED_SHARE,
                          store,
                          r.offeredPerSecond(),
                          r.perSecond(),
                          ms(r.stats().latencyMicros, 99),
                          ratio(r.stats().acked, r.commits()))));
    }
    FsyncProbe.Result fsync = run.fsync();
    if (fsync != null) {
      line(
          String.format(
              Locale.ROOT,
              "- R-fsync, 8 KiB write + fdatasync in a loop on the first store's data directory's disk: %,.0f/s, p50 %.2f ms, p99 %.2f ms.",
              fsync.perSecond(),
              ms(fsync.micros(), 50),
              ms(fsync.micros(), 99)));
    }
    if (knees.size() == 2 && knees.values().stream().allMatch(Optional::isPresent)) {
      List<Result> both = knees.values().stream().map(Optional::get).collect(Collectors.toList());
      line(
          String.format(
              Locale.ROOT,
              "- Knee %s ÷ knee %s: %.2f (offered rates; the steps bound it, each knee lies below the next step).",
              both.get(1).store(),
              both.get(0).store(),
              both.get(1).offeredPerSecond() / both.get(0).offeredPerSecond()));
    }
    line(
        String.format(
            Locale.ROOT,
            "- A step is good when ≥ %.0f %% of the offered updates were acknowledged in the window and p99 ≤ %d ms.",
            100 * MIN_ACKED_SHARE,
            o.kneeP99.toMillis()));
    StreamingReport.checks(run.verifications(), b);
    StreamingReport.repeats(results, b);
    for (Result r : results) {
      r.stats()
          .errors
          .forEach(
              (what, n) ->
                  line(
                      String.format(
                          Locale.ROOT,
                          "- Errors, %s at %,.0f/s: %s × %,d.",
                          r.store(),
                          r.offeredPerSecond(),
                          what,
                          n)));
    }
    line("");
    goals(knees);
    return b.toString();
  }

  /** Each store's highest good step, in the order the stores were given. */
  private Map<String, Optional<Result>> knees() {
    Map<String, Optional<Result>> knees = new LinkedHashMap<>();
    for (Result r : results) {
      knees.putIfAbsent(r.store(), Optional.empty());
      if (good(r)
          && knees
              .get(r.store())
              .map(k -> r.offeredPerSecond() > k.offeredPerSecond())
              .orElse(true)) {
        knees.put(r.store(), Optional.of(r));
      }
    }
    return knees;
  }

  private void goals(Map<String, Optional<Result>> knees) {
    line("| Goal (2-core machine, perf-anchors G2/G3) | Target | Reached | Met |");
    line("|---|---|---:|---|");
    double lowest = results.stream().mapToDouble(Result::offeredPerSecond).min().orElse(0);
    for (Map.Entry<String, Optional<Result>> k : knees.entrySet()) {
      double knee = k.getValue().map(Result::offeredPerSecond).orElse(0.0);
      line(
          String.format(
              Locale.ROOT,
              "| Knee (p99 ≤ %d ms, ≥ 95 %% acknowledged), %s | ≥ 5,000 updates/s | %s | %s |",
              o.kneeP99.toMillis(),
              k.getKey(),
              knee > 0
                  ? String.format(Locale.ROOT, "%,.0f", knee)
                  : String.format(Locale.ROOT, "below %,.0f (no step good)", lowest),
              yes(knee >= 5000)));
      Optional<Result> at5k =
          results.stream()
              .filter(r -> r.store().equals(k.getKey()) && r.offeredPerSecond() >= 5000)
              .min((x, y) -> Double.compare(x.offeredPerSecond(), y.offeredPerSecond()));
      at5k.ifPresent(
          r -> {
            double perCommit = ratio(r.stats().acked, r.commits());
            line(
                String.format(
                    Locale.ROOT,
                    "| Acknowledged updates per commit at %,.0f/s, %s | ≥ 10 | %.1f | %s |",
                    r.offeredPerSecond(),
                    k.getKey(),
                    perCommit,
                    yes(perCommit >= 10)));
          });
    }
  }

  private void line(String s) {
    b.append(s).append('\n');
  }
}
