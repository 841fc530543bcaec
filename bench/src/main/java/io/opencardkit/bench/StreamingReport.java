package io.opencardkit.bench;

import static io.opencardkit.bench.StreamingLoad.ms;

import io.opencardkit.bench.StreamingLoad.Placed;
import io.opencardkit.bench.StreamingLoad.Result;
import io.opencardkit.bench.StreamingLoad.Run;
import io.opencardkit.bench.StreamingLoad.Verification;
import io.opencardkit.bench.process.ThreadCpu;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/**
 * StreamingLoad's Markdown result block for closed-loop (or singly paced) phases: the update phase
 * of each store side by side, the no-op phases, group commit, CPU by thread group, goals.
 */
final class StreamingReport {
  private final StreamingLoad o;
  private final Run run;
  private final List<Result> results;
  private final List<Result> updates;
  private final List<Result> noops;
  private final StringBuilder b = new StringBuilder();

  StreamingReport(Run run, List<Result> results) {
    this.o = run.options();
    this.run = run;
    this.results = results;
    this.updates =
        results.stream()
            .filter(r -> r.phase().kind == Phase.Kind.UPDATES)
            .collect(Collectors.toList());
    this.noops =
        results.stream()
            .filter(r -> r.phase().kind != Phase.Kind.UPDATES)
            .collect(Collectors.toList());
  }

  /**
   * The heading and the paragraph that says how the run was made; shared with {@link KneeReport}.
   */
  static String heading(Run run, String loop) {
    StreamingLoad o = run.options();
    Target target = run.firstTarget();
    return "### StreamingLoad "
        + ZonedDateTime.now(ZoneId.systemDefault())
            .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z"))
        + (o.label.isEmpty() ? "" : ": " + o.label)
        + "\n\n"
        + String.format(
            Locale.ROOT,
            "%d streams, %s; %d s measured after %d s warm-up per phase; %d chars per update, new card at %,d chars; "
                + "server %s; load generator: %d Vert.x event loop(s), HTTP/1.1 keep-alive, pool of %d; "
                + "load average before %s, after %s; %d CPUs, Java %s, max heap %,d MiB.",
            o.streams,
            loop,
            o.duration.toSeconds(),
            o.warmup.toSeconds(),
            o.chunkChars,
            o.maxText,
            target.isEmbedded()
                ? "in the same JVM (it shares the CPUs with the load generator)"
                : target.isProcess()
                    ? "in a JVM of its own, as bin/opencardkit serve runs it ("
                        + run.where().describe()
                        + "): "
                        + target.describe()
                    : "at " + target.host + ":" + target.port,
            o.clientThreads,
            o.streams,
            run.loadBefore(),
            run.loadAfter(),
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.version"),
            Runtime.getRuntime().maxMemory() >> 20)
        + (o.stores.size() > 1 || !o.firstWarmup.isZero()
            ? String.format(
                Locale.ROOT,
                " Stores: %s, each on a fresh embedded server, all up during the whole run%s.",
                String.join(
                    ", ",
                    o.stores.stream()
                        .map(
                            s ->
                                s.startsWith("postgres")
                                    ? "PostgreSQL (a schema of its own)"
                                    : "SQLite")
                        .collect(Collectors.toList())),
                o.firstWarmup.isZero()
                    ? ""
                    : "; before any measurement, "
                        + o.firstWarmup.toSeconds()
                        + " s of unmeasured closed-loop updates on each in turn")
            : "")
        + (run.reference().isEmpty()
            ? ""
            : " Reference: "
                + run.reference()
                + ", started with the server and up during the whole run.");
  }

  String markdown() {
    line(
        heading(
            run,
            o.rate > 0
                ? String.format(Locale.ROOT, "paced at %,.0f req/s in all", o.rate)
                : "closed loop without think time"));
    line("");
    line(
        "| Phase | Endpoint | Acked/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | mean ms | Errors |");
    line("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (Result r : results) {
      Histogram h = r.stats().latencyMicros;
      line(
          String.format(
              Locale.ROOT,
              "| %s | `%s` | **%,.0f** | %.2f | %.2f | **%.2f** | %.2f | %.1f | %.2f | %d |",
              phaseName(r),
              r.phase().kind.endpoint,
              r.perSecond(),
              ms(h, 50),
              ms(h, 90),
              ms(h, 99),
              ms(h, 99.9),
              h.getMaxValue() / 1000.0,
              h.getMean() / 1000.0,
              r.stats().errorCount()));
    }
    line("");
    for (Result u : updates) {
      for (Result r : noops) {
        if (r.phase().kind == Phase.Kind.BARE) {
          line(
              String.format(
                  Locale.ROOT,
                  "- Updates%s ÷ the bare Vert.x handler's requests (the same calls from the same client, its own JVM on the same"
                      + " CPUs): **%.2f**.",
                  storeSuffix(u),
                  u.perSecond() / r.perSecond()));
        } else {
          line(
              String.format(
                  Locale.ROOT,
                  "- Updates%s ÷ `%s`: **%.1f %%** of its throughput.",
                  storeSuffix(u),
                  r.phase().kind.endpoint.split(" \\(")[0],
                  100.0 * u.perSecond() / r.perSecond()));
        }
      }
    }
    for (Result r : results) {
      double inFlight = r.perSecond() * r.stats().latencyMicros.getMean() / 1e6;
      line(
          String.format(
              Locale.ROOT,
              "- Little's law, %s: %,.0f/s × %.2f ms mean = %.1f requests in flight (streams: %d).",
              columnName(r),
              r.perSecond(),
              r.stats().latencyMicros.getMean() / 1000.0,
              inFlight,
              o.streams));
    }
    for (Result u : updates) {
      bodiesAndCommits(u);
    }
    FsyncProbe.Result fsync = run.fsync();
    if (fsync != null) {
      Result first = updates.get(0);
      line(
          String.format(
              Locale.ROOT,
              "- R-fsync, 8 KiB write + fdatasync in a loop on the data directory's disk: %,.0f/s, p50 %.2f ms, p99 %.2f ms. Updates/s%s ÷ R-fsync = %.1f.",
              fsync.perSecond(),
              ms(fsync.micros(), 50),
              ms(fsync.micros(), 99),
              storeSuffix(first),
              first.perSecond() / fsync.perSecond()));
    }
    checks(run.verifications(), b);
    repeats(results, b);
    errors();
    line("");
    cpuTable();
    line("");
    goals();
    return b.toString();
  }

  private void bodiesAndCommits(Result u) {
    Phase.Stats s = u.stats();
    line(
        String.format(
            Locale.ROOT,
            "- Update bodies%s: mean %,.0f bytes. Card lifecycle in the window: %d cards created and sent, %d closed (latency of create + send together, and of close: p50 %.2f ms, p99 %.2f ms; not counted as updates).",
            storeSuffix(u),
            s.acked == 0 ? 0.0 : (double) s.requestBytes / s.acked,
            s.cardsStarted,
            s.cardsClosed,
            ms(s.lifecycleMicros, 50),
            ms(s.lifecycleMicros, 99)));
    if (u.commits() >= 0) {
      double seconds = u.phase().measureSeconds();
      line(
          String.format(
              Locale.ROOT,
              "- Group commit (server counters, update window%s): %,.0f commits/s (%s), %,.0f batches/s, **%.1f batches per commit**, %.1f acknowledged updates per commit.",
              u.store().equals("remote") ? "" : ", " + u.store(),
              u.commits() / seconds,
              commitMeaning(u.store()),
              u.batches() / seconds,
              ratio(u.batches(), u.commits()),
              ratio(s.acked, u.commits())));
    }
  }

  /** What one commit of a store is on disk. */
  static String commitMeaning(String store) {
    return store.equals("PostgreSQL")
        ? "transactions of the store's writer connection"
        : "fsyncs of the WAL";
  }

  /** "- Repeated: …" lines for phases run again because other processes disturbed them. */
  static void repeats(List<Result> results, StringBuilder b) {
    for (Result r : results) {
      if (!r.discardedNoise().isEmpty()) {
        b.append(
            String.format(
                Locale.ROOT,
                "- %s%s%s was run %d more time(s): other processes used %s cores in the discarded runs.%n",
                r.phase().kind.name().toLowerCase(Locale.ROOT),
                r.store().equals("remote") ? "" : ", " + r.store(),
                r.offeredPerSecond() > 0
                    ? String.format(Locale.ROOT, " at %,.0f/s", r.offeredPerSecond())
                    : "",
                r.discardedNoise().size(),
                r.discardedNoise().stream()
                    .map(c -> String.format(Locale.ROOT, "%.2f", c))
                    .collect(Collectors.joining(", "))));
      }
    }
  }

  /** "- Check: …" lines, one per store that could be checked. */
  static void checks(List<Verification> verifications, StringBuilder b) {
    for (Verification v : verifications) {
      if (v.checked() > 0) {
        b.append(
            String.format(
                Locale.ROOT,
                "- Check%s: %d of %d open cards hold exactly the text their stream had acknowledged%s.%n",
                verifications.size() > 1 ? " (" + v.store() + ")" : "",
                v.checked() - v.mismatched(),
                v.checked(),
                v.mismatched() == 0 ? "" : " (**MISMATCH**)"));
      }
    }
  }

  private void errors() {
    for (Result r : results) {
      for (Map.Entry<String, Long> e : r.stats().errors.entrySet()) {
        line(
            String.format(
                Locale.ROOT, "- Errors in %s: %s × %,d.", columnName(r), e.getKey(), e.getValue()));
      }
    }
  }

  private void cpuTable() {
    if (results.get(0).inProcess()) {
      processCpuTable(results, b, this::columnName);
      return;
    }
    ColumnTable<Result> table =
        new ColumnTable<>(b, "CPU (cores busy, measured window)", results, this::columnName);
    boolean embedded = run.firstTarget().isEmbedded();
    String[] groups =
        embedded
            ? new String[] {
              CpuMeter.CLIENT,
              CpuMeter.SERVER_LOOPS,
              CpuMeter.WRITER,
              CpuMeter.OTHER_JAVA,
              CpuMeter.VM
            }
            : new String[] {
              CpuMeter.CLIENT, CpuMeter.OTHER_JAVA, CpuMeter.VM
            }; // the server runs elsewhere
    for (String group : groups) {
      table.row(group, r -> String.format(Locale.ROOT, "%.2f", r.cpu().cores(group)));
    }
    table
        .row(
            embedded ? "**whole process**" : "**whole load generator process**",
            r -> String.format(Locale.ROOT, "**%.2f**", r.cpu().processCores()))
        .row(
            "PostgreSQL's processes (every client's)",
            r -> String.format(Locale.ROOT, "%.2f", r.cpu().postgresCores()))
        .row(
            "other processes on the machine (not this benchmark, not PostgreSQL)",
            r -> String.format(Locale.ROOT, "%.2f", r.cpu().otherProcessesCores()));
    if (embedded) {
      table.row(
          "server CPU per acked call (µs, all but the load generator)",
          r ->
              String.format(
                  Locale.ROOT,
                  "%.0f",
                  r.stats().acked == 0
                      ? Double.NaN
                      : r.cpu().serverSeconds() * 1e6 / r.stats().acked));
    }
    table.row(
        "GC collections / ms paused",
        r -> String.format(Locale.ROOT, "%d / %d", r.cpu().gcCount(), r.cpu().gcMillis()));
  }

  /**
   * The CPU table when the server runs in a process of its own: that process by thread group from
   * /proc (in the bare phase, the bare handler's process), its memory and GC pauses, this JVM (the
   * load generator), the rest.
   */
  static void processCpuTable(
      List<Result> results, StringBuilder b, java.util.function.Function<Result, String> name) {
    ColumnTable<Result> table =
        new ColumnTable<>(b, "CPU (cores busy, measured window; /proc)", results, name);
    for (String group : ThreadCpu.GROUPS) {
      table.row(
          "server process: " + group,
          r -> String.format(Locale.ROOT, "%.2f", r.target().cpu().cores(group)));
    }
    table
        .row(
            "server process: event loops busy (≥ 0.05 cores)",
            r -> Integer.toString(r.target().cpu().busyLoops()))
        .row(
            "**server process** (the bare handler's in its phase)",
            r -> String.format(Locale.ROOT, "**%.2f**", r.target().cores()))
        .row(
            "load generator (this JVM)",
            r -> String.format(Locale.ROOT, "%.2f", r.cpu().processCores()))
        .row(
            "PostgreSQL's processes (every client's)",
            r -> String.format(Locale.ROOT, "%.2f", r.cpu().postgresCores()))
        .row(
            "other processes on the machine (not this benchmark, its processes or PostgreSQL)",
            r -> String.format(Locale.ROOT, "%.2f", r.otherCores()))
        .row(
            "server CPU per acked call (µs, its whole process)",
            r ->
                String.format(
                    Locale.ROOT,
                    "%.0f",
                    r.stats().acked == 0 ? Double.NaN : r.serverCores() * 1e6 / r.perSecond()))
        .row("server GC pauses in the window: count / ms in all / longest ms", Result::gcPauses)
        .row(
            "server resident memory at the window's end, MiB",
            r -> String.format(Locale.ROOT, "%,.0f", r.target().rssKib() / 1024.0));
  }

  private void goals() {
    line("| Goal (2-core machine) | Target | Reached | Met |");
    line("|---|---|---:|---|");
    for (Result u : updates) {
      Histogram h = u.stats().latencyMicros;
      String of = storeSuffix(u);
      line(
          String.format(
              Locale.ROOT,
              "| Durable updates/s%s | ≥ 5,000 | %,.0f | %s |",
              of,
              u.perSecond(),
              yes(u.perSecond() >= 5000)));
      for (Result r : noops) {
        if (r.phase().kind == Phase.Kind.BARE) {
          double share = u.perSecond() / r.perSecond();
          line(
              String.format(
                  Locale.ROOT,
                  "| Updates%s ÷ the bare Vert.x handler's requests, same run (issue 9) | ≥ %.2f | %.2f | %s |",
                  of,
                  o.bareGoal,
                  share,
                  yes(share >= o.bareGoal)));
        } else {
          double pct = 100.0 * u.perSecond() / r.perSecond();
          line(
              String.format(
                  Locale.ROOT,
                  "| Updates%s ÷ no-op `%s` | ≥ 30 %% | %.1f %% | %s |",
                  of,
                  r.phase().kind.endpoint.split(" \\(")[0],
                  pct,
                  yes(pct >= 30)));
        }
      }
      if (u.offeredPerSecond() > 0) {
        line(
            String.format(
                Locale.ROOT,
                "| Update p99 latency%s at %,.0f/s offered, open loop (issue 9) | ≤ 25 ms | %.2f ms | %s |",
                of,
                u.offeredPerSecond(),
                ms(h, 99),
                yes(ms(h, 99) <= 25)));
        double share = u.perSecond() / u.offeredPerSecond();
        line(
            String.format(
                Locale.ROOT,
                "| Acknowledged ÷ offered%s (the server kept up) | ≥ 95 %% | %.1f %% | %s |",
                of,
                100 * share,
                yes(share >= 0.95)));
      } else {
        line(
            String.format(
                Locale.ROOT,
                "| Update p99 latency%s, closed loop | < 25 ms | %.2f ms | %s |",
                of,
                ms(h, 99),
                yes(ms(h, 99) < 25)));
      }
      line(
          String.format(
              Locale.ROOT,
              "| No errors%s | 0 | %d | %s |",
              of,
              u.stats().errorCount(),
              yes(u.stats().errorCount() == 0)));
    }
  }

  /**
   * With several placements (--server-cpus repeated): the same figures side by side, and the last
   * placement's ÷ the first's (issue 9: ≥ 1.6× from the second core).
   */
  static String scaling(StreamingLoad o, List<Placed> placed) {
    StringBuilder b =
        new StringBuilder("### StreamingLoad: placements compared (core scaling)\n\n");
    ColumnTable<Placed> table = new ColumnTable<>(b, "Figure", placed, p -> p.where().label());
    table
        .row(
            "durable updates/s",
            p ->
                updates(p).map(r -> String.format(Locale.ROOT, "%,.0f", r.perSecond())).orElse("—"))
        .row(
            "update p50 / p99 ms",
            p ->
                updates(p)
                    .map(
                        r ->
                            String.format(
                                Locale.ROOT,
                                "%.2f / %.2f",
                                ms(r.stats().latencyMicros, 50),
                                ms(r.stats().latencyMicros, 99)))
                    .orElse("—"))
        .row(
            "bare handler requests/s",
            p -> bare(p).map(r -> String.format(Locale.ROOT, "%,.0f", r.perSecond())).orElse("—"))
        .row(
            "updates ÷ bare",
            p ->
                updates(p)
                    .flatMap(
                        u ->
                            bare(p)
                                .map(
                                    r ->
                                        String.format(
                                            Locale.ROOT, "%.2f", u.perSecond() / r.perSecond())))
                    .orElse("—"));
    for (String group :
        List.of(
            ThreadCpu.EVENT_LOOPS,
            ThreadCpu.BUSIEST_LOOP,
            ThreadCpu.WRITER,
            ThreadCpu.CARD_FEED,
            ThreadCpu.GC,
            ThreadCpu.JIT,
            ThreadCpu.OTHER)) {
      table.row(
          "updates: server " + group + ", cores",
          p ->
              updates(p)
                  .map(r -> String.format(Locale.ROOT, "%.2f", r.target().cpu().cores(group)))
                  .orElse("—"));
    }
    table
        .row(
            "updates: **server process, cores**",
            p ->
                updates(p)
                    .map(r -> String.format(Locale.ROOT, "**%.2f**", r.target().cores()))
                    .orElse("—"))
        .row(
            "updates: server µs-core per update",
            p ->
                updates(p)
                    .map(
                        r ->
                            String.format(
                                Locale.ROOT, "%.0f", r.serverCores() * 1e6 / r.perSecond()))
                    .orElse("—"))
        .row(
            "updates: load generator cores",
            p ->
                updates(p)
                    .map(r -> String.format(Locale.ROOT, "%.2f", r.cpu().processCores()))
                    .orElse("—"))
        .row(
            "updates: other processes cores",
            p ->
                updates(p)
                    .map(r -> String.format(Locale.ROOT, "%.2f", r.otherCores()))
                    .orElse("—"));
    Placed first = placed.get(0);
    Placed last = placed.get(placed.size() - 1);
    b.append('\n');
    Optional<Result> u1 = updates(first);
    Optional<Result> u2 = updates(last);
    if (u1.isPresent() && u2.isPresent()) {
      b.append(
          String.format(
              Locale.ROOT,
              "- Durable updates/s, %s ÷ %s: **%.2f×** (goal: ≥ 1.6× from the second core, or explain from the per-thread CPU above).%n",
              last.where().label(),
              first.where().label(),
              u2.get().perSecond() / u1.get().perSecond()));
    }
    Optional<Result> b1 = bare(first);
    Optional<Result> b2 = bare(last);
    if (b1.isPresent() && b2.isPresent()) {
      b.append(
          String.format(
              Locale.ROOT,
              "- Bare handler requests/s, %s ÷ %s: %.2f× (what the same cores give the least possible handler).%n",
              last.where().label(),
              first.where().label(),
              b2.get().perSecond() / b1.get().perSecond()));
    }
    return b.toString();
  }

  private static Optional<Result> updates(Placed p) {
    return p.results().stream().filter(r -> r.phase().kind == Phase.Kind.UPDATES).findFirst();
  }

  private static Optional<Result> bare(Placed p) {
    return p.results().stream().filter(r -> r.phase().kind == Phase.Kind.BARE).findFirst();
  }

  /** "updates", or "updates, PostgreSQL" when several stores ran. */
  private String phaseName(Result r) {
    return r.phase().kind == Phase.Kind.BARE
        ? "reference"
        : r.phase().kind != Phase.Kind.UPDATES
            ? "no-op"
            : updates.size() > 1 ? "updates, " + r.store() : "updates";
  }

  private String columnName(Result r) {
    String kind = r.phase().kind.name().toLowerCase(Locale.ROOT);
    return r.phase().kind == Phase.Kind.UPDATES && updates.size() > 1
        ? kind + ", " + r.store()
        : kind;
  }

  private String storeSuffix(Result u) {
    return updates.size() > 1 ? " (" + u.store() + ")" : "";
  }

  static String yes(boolean met) {
    return met ? "yes" : "**no**";
  }

  static double ratio(long a, long b) {
    return b <= 0 ? Double.NaN : (double) a / b;
  }

  private void line(String s) {
    b.append(s).append('\n');
  }
}
