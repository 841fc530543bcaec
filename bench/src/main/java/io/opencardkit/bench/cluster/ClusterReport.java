package io.opencardkit.bench.cluster;

import static io.opencardkit.bench.StreamingLoad.ms;

import io.opencardkit.bench.ColumnTable;
import io.opencardkit.bench.Phase;
import io.opencardkit.bench.cluster.ClusterLoad.Step;
import io.opencardkit.bench.fanout.FanoutLoad;
import io.opencardkit.bench.process.ThreadCpu;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/**
 * ClusterLoad's Markdown result block: latency of the second hop, per-node throughput, counters,
 * CPU, goals.
 */
final class ClusterReport {
  private final ClusterLoad o;
  private final String[] jvms;
  private final String program;
  private final List<Step> latency;
  private final List<Step> throughput;
  private final String loadBefore;
  private final String loadAfter;
  private final StringBuilder b = new StringBuilder();

  ClusterReport(
      ClusterLoad o,
      String[] jvms,
      String program,
      List<Step> latency,
      List<Step> throughput,
      String loadBefore,
      String loadAfter) {
    this.o = o;
    this.jvms = jvms;
    this.program = program;
    this.latency = latency;
    this.throughput = throughput;
    this.loadBefore = loadBefore;
    this.loadAfter = loadAfter;
  }

  /** One line per step for the progress log. */
  static String progressLine(Step s) {
    Deliveries.Summary m = s.measured();
    return String.format(
        Locale.ROOT,
        "%s, %s: %,.0f acked/s (%s); viewer slot 0 on %s p50 %.2f p99 %.2f ms, slot 1 on %s p50 %.2f p99 %.2f ms;"
            + " missing %d/%d, gaps %d/%d, duplicates %d/%d; nodes %.2f cores, PostgreSQL %.2f, Redis %.2f, load generator %.2f, other %.2f",
        s.name(),
        s.config(),
        s.acked() / s.seconds(),
        String.join(" + ", s.writes().keySet()),
        s.viewerNodes()[0],
        ms(m.latencyMicros[0], 50),
        ms(m.latencyMicros[0], 99),
        s.viewerNodes()[1],
        ms(m.latencyMicros[1], 50),
        ms(m.latencyMicros[1], 99),
        s.whole().missing[0],
        s.whole().missing[1],
        s.tallies()[0].gaps,
        s.tallies()[1].gaps,
        s.tallies()[0].duplicates,
        s.tallies()[1].duplicates,
        s.window().nodeCores(),
        s.window().postgresCores(),
        s.window().redisCores(),
        s.window().loadGeneratorCores(),
        s.window().otherCores());
  }

  String markdown() {
    heading();
    latencyTables();
    throughputTable();
    countersTable();
    cpuTable();
    goals();
    return b.toString();
  }

  private void heading() {
    line(
        "### ClusterLoad "
            + ZonedDateTime.now(ZoneId.systemDefault())
                .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z"))
            + (o.label.isEmpty() ? "" : ": " + o.label));
    line("");
    line(
        String.format(
            Locale.ROOT,
            "%d bot streams (stream i writes the cards of chat i; each chat has two viewers), %d chars per update, new card at %,d chars; %d s measured"
                + " after %d s warm-up per step; after a node started, %d s of unmeasured closed-loop writes through every running node; nodes: one JVM each, %s,"
                + " %s; node JVMs: A %s, B %s;"
                + " PostgreSQL on 127.0.0.1:5432 (a schema of this run's), a private redis-server; load generator (bots and viewers) in the"
                + " benchmark's JVM, not pinned; %d CPUs (%s); load average before %s, after %s.",
            o.streams,
            o.chunkChars,
            o.maxText,
            o.duration.toSeconds(),
            o.warmup.toSeconds(),
            o.firstWarmup.toSeconds(),
            program,
            o.pin
                ? "pinned with taskset, A to CPU 0 and B to CPU 1, in both configurations"
                : "not pinned",
            jvms[0],
            jvms[1],
            Runtime.getRuntime().availableProcessors(),
            FanoutLoad.cpuModel(),
            loadBefore,
            loadAfter));
    line("");
  }

  private void latencyTables() {
    if (latency.isEmpty()) {
      return;
    }
    line(
        "**(a) Delivery latency, bots writing through node A; each chat's viewer on A (local) and on B (remote) time the same events"
            + " (latency = arrival at the viewer − scheduled send of the update; only acknowledged updates sent in the window):**");
    line("");
    line(
        "| Offered/s | Acked/s | PUT ack p50 / p99 ms | Events | Local (A) p50 / p99 ms | Remote (B) p50 / p99 ms |"
            + " Added p50 / p99 ms (remote − local) | Same event, B − A: p50 / p99 / p99.9 ms | B first |");
    line("|---:|---:|---|---:|---|---|---|---|---:|");
    for (Step s : latency) {
      Deliveries.Summary m = s.measured();
      Histogram ack = s.writes().get("A").latencyMicros;
      line(
          String.format(
              Locale.ROOT,
              "| %,.0f | %,.0f | %.2f / %.2f | %,d | %.2f / %.2f | %.2f / %.2f | **%+.2f / %+.2f** | %.2f / %.2f / %.2f | %,d |",
              s.rate(),
              s.acked() / s.seconds(),
              ms(ack, 50),
              ms(ack, 99),
              m.events,
              ms(m.latencyMicros[0], 50),
              ms(m.latencyMicros[0], 99),
              ms(m.latencyMicros[1], 50),
              ms(m.latencyMicros[1], 99),
              added(m, 50),
              added(m, 99),
              m.hopMillis(50),
              m.hopMillis(99),
              m.hopMillis(99.9),
              m.secondFirst()));
    }
    line("");
    integrityTable(latency, "latency steps");
  }

  private void integrityTable(List<Step> steps, String which) {
    line(
        "Every acknowledged update of the whole step (warm-up included) at both viewers of its chat, "
            + which
            + " (\"inside a message frame\": the version was already in the card's message frame, so no card frame of its own was due):");
    line("");
    line(
        "| Step | Viewers on | Updates checked | Missing (slot 0 / 1) | Inside a message frame | Gaps | Duplicates | Snapshots |"
            + " Deltas skipped by the nodes | Sockets closed by the nodes |");
    line("|---|---|---:|---|---|---|---|---|---:|---:|");
    for (Step s : steps) {
      line(
          String.format(
              Locale.ROOT,
              "| %s | %s / %s | %,d | %d / %d | %d / %d | %d / %d | %d / %d | %d / %d | %s | %s |",
              stepName(s),
              s.viewerNodes()[0],
              s.viewerNodes()[1],
              s.whole().events,
              s.whole().missing[0],
              s.whole().missing[1],
              s.whole().inMessage[0],
              s.whole().inMessage[1],
              s.tallies()[0].gaps,
              s.tallies()[1].gaps,
              s.tallies()[0].duplicates,
              s.tallies()[1].duplicates,
              s.tallies()[0].snapshots,
              s.tallies()[1].snapshots,
              known(s.window().stats().skipped()),
              known(s.window().stats().slowClosed())));
    }
    line("");
  }

  private void throughputTable() {
    line(
        "**(b) Throughput: closed loop (each stream sends as soon as its previous update is answered), then paced at the same rate for both"
            + " configurations; one node holds both viewers of each chat, two nodes one each:**");
    line("");
    line(
        "| Step | Node | Streams | Acked/s | p50 ms | p99 ms | Errors | Node cores | Node µs-core per update |");
    line("|---|---|---:|---:|---:|---:|---:|---:|---:|");
    for (Step s : throughput) {
      for (String node : s.writes().keySet()) {
        Phase.Stats w = s.writes().get(node);
        double cores = s.window().nodes().get(node).cores();
        line(
            String.format(
                Locale.ROOT,
                "| %s | %s | %d | **%,.0f** | %.2f | %.2f | %d | %.2f | %.0f |",
                stepName(s),
                node,
                s.writes().size() == 1 ? o.streams : o.streams / s.writes().size(),
                s.ackedPerSecond(node),
                ms(w.latencyMicros, 50),
                ms(w.latencyMicros, 99),
                w.errorCount(),
                cores,
                cores * 1e6 / s.ackedPerSecond(node)));
      }
    }
    line("");
    for (Ratio r : ratios()) {
      line(
          String.format(
              Locale.ROOT,
              "- %s, closed loop: each node of two acknowledged **%.0f %%** of one node alone (A %,.0f/s, B %,.0f/s against %,.0f/s); cluster total %.2f×;"
                  + " node CPU per update %.0f µs-core on two nodes against %.0f alone (%.2f×).",
              r.round,
              100 * r.perNode,
              r.a,
              r.b,
              r.single,
              (r.a + r.b) / r.single,
              r.twoMicros,
              r.oneMicros,
              r.twoMicros / r.oneMicros));
    }
    for (Ratio r : costs()) {
      line(
          String.format(
              Locale.ROOT,
              "- %s, %,.0f updates/s offered to each configuration: the nodes spent **%.0f µs-core per update on two nodes against %.0f on one (%.2f×)**"
                  + " (issue 9: ≤ 1.25×).",
              r.round,
              o.equalLoadRate,
              r.twoMicros,
              r.oneMicros,
              r.twoMicros / r.oneMicros));
    }
    line("");
    integrityTable(throughput, "throughput steps");
  }

  /** One round's comparison of one node with each node of two. */
  private record Ratio(
      String round,
      double single,
      double a,
      double b,
      double perNode,
      double oneMicros,
      double twoMicros) {}

  /** Closed-loop steps of each round: one node, then two. */
  private List<Ratio> ratios() {
    return pairs(throughput.stream().filter(s -> s.rate() == 0).collect(Collectors.toList()));
  }

  /** Paced steps at --equal-load-rate of each round: one node, then two. */
  private List<Ratio> costs() {
    return pairs(throughput.stream().filter(s -> s.rate() > 0).collect(Collectors.toList()));
  }

  private static List<Ratio> pairs(List<Step> steps) {
    List<Ratio> ratios = new ArrayList<>();
    for (int i = 0; i + 1 < steps.size(); i += 2) {
      Step one = steps.get(i);
      Step two = steps.get(i + 1);
      double single = one.ackedPerSecond("A");
      double a = two.ackedPerSecond("A");
      double bb = two.ackedPerSecond("B");
      ratios.add(
          new Ratio(
              one.name(),
              single,
              a,
              bb,
              (a + bb) / 2 / single,
              one.window().nodeCores() * 1e6 / (one.acked() / one.seconds()),
              two.window().nodeCores() * 1e6 / (two.acked() / two.seconds())));
    }
    return ratios;
  }

  private void countersTable() {
    line(
        "Counters over each measured window, cluster-wide (nodes' store counters, the private Redis's INFO, PostgreSQL's statistics):");
    line("");
    new ColumnTable<>(b, "Per acknowledged update", allSteps(), ClusterReport::stepName)
        .row(
            "batches committed (one per accepted API change)",
            s -> per(s.window().stats().batches(), s))
        .row(
            "store commits (transactions of the nodes' writers)",
            s -> per(s.window().stats().commits(), s))
        .row(
            "acknowledged updates per commit",
            s ->
                s.window().stats().known()
                    ? String.format(
                        Locale.ROOT, "%.1f", (double) s.acked() / s.window().stats().commits())
                    : "n/a")
        .row("Redis PUBLISH", s -> per(s.window().redis().publishes(), s))
        .row(
            "PUBLISH per committed batch",
            s ->
                s.window().stats().known()
                    ? String.format(
                        Locale.ROOT,
                        "%.3f",
                        (double) s.window().redis().publishes() / s.window().stats().batches())
                    : "n/a")
        .row(
            "bytes into Redis / out of Redis",
            s ->
                String.format(
                    Locale.ROOT,
                    "%,.0f / %,.0f",
                    (double) s.window().redis().bytesIn() / s.acked(),
                    (double) s.window().redis().bytesOut() / s.acked()))
        .row(
            "PostgreSQL transactions committed (whole database, reads and other clients included)",
            s -> per(s.window().postgres().transactionsCommitted(), s))
        .row(
            "PostgreSQL WAL flushes (whole server)",
            s -> per(s.window().postgres().walFlushes(), s))
        .row(
            "PostgreSQL WAL bytes",
            s ->
                String.format(
                    Locale.ROOT, "%,.0f", (double) s.window().postgres().walBytes() / s.acked()));
    line("");
  }

  private void cpuTable() {
    line("CPU over each measured window (cores; /proc of each process, the nodes by thread):");
    line("");
    ColumnTable<Step> table =
        new ColumnTable<>(b, "Cores busy", allSteps(), ClusterReport::stepName);
    for (String node : List.of("A", "B")) {
      table.row(
          "**node " + node + "**",
          s ->
              s.window().nodes().containsKey(node)
                  ? String.format(Locale.ROOT, "**%.2f**", s.window().nodes().get(node).cores())
                  : "—");
      for (String group : ThreadCpu.GROUPS) {
        table.row(
            node + ": " + group,
            s ->
                s.window().nodes().containsKey(node)
                    ? String.format(
                        Locale.ROOT, "%.2f", s.window().nodes().get(node).cpu().cores(group))
                    : "—");
      }
      table.row(
          node + ": GC pauses (count / ms / longest ms)",
          s ->
              s.window().nodes().containsKey(node)
                  ? s.window().nodes().get(node).gc().describe()
                  : "—");
    }
    table
        .row(
            "PostgreSQL's processes (every client's)",
            s -> String.format(Locale.ROOT, "%.2f", s.window().postgresCores()))
        .row("redis-server", s -> String.format(Locale.ROOT, "%.2f", s.window().redisCores()))
        .row(
            "load generator (bots and viewers, this JVM)",
            s -> String.format(Locale.ROOT, "%.2f", s.window().loadGeneratorCores()))
        .row(
            "other processes on the machine",
            s -> String.format(Locale.ROOT, "%.2f", s.window().otherCores()))
        .row(
            "runs discarded before this one (other processes' cores then)",
            s ->
                s.discardedNoise().isEmpty()
                    ? "0"
                    : s.discardedNoise().size()
                        + " ("
                        + s.discardedNoise().stream()
                            .map(c -> String.format(Locale.ROOT, "%.2f", c))
                            .collect(Collectors.joining(", "))
                        + ")");
    line("");
  }

  private void goals() {
    line("| Goal (perf-anchors G9, 2 nodes) | Target | Reached | Met |");
    line("|---|---|---|---|");
    for (Step s : latency) {
      Deliveries.Summary m = s.measured();
      line(
          String.format(
              Locale.ROOT,
              "| Added by the second hop at %,.0f updates/s, p50 | ≤ 2 ms | %+.2f ms (same event B − A: %.2f ms) | %s |",
              s.rate(),
              added(m, 50),
              m.hopMillis(50),
              yes(added(m, 50) <= 2)));
      line(
          String.format(
              Locale.ROOT,
              "| Added by the second hop at %,.0f updates/s, p99 | ≤ 10 ms | %+.2f ms (same event B − A: %.2f ms) | %s |",
              s.rate(),
              added(m, 99),
              m.hopMillis(99),
              yes(added(m, 99) <= 10)));
    }
    long faults =
        allSteps().stream()
            .mapToLong(
                s ->
                    s.whole().missing[0]
                        + s.whole().missing[1]
                        + s.tallies()[0].gaps
                        + s.tallies()[1].gaps
                        + s.tallies()[0].duplicates
                        + s.tallies()[1].duplicates)
            .sum();
    line(
        String.format(
            Locale.ROOT,
            "| Every increment once, in order, at both viewers (all steps) | 0 missing, gaps, duplicates | %d | %s |",
            faults,
            yes(faults == 0)));
    for (Ratio r : ratios()) {
      line(
          String.format(
              Locale.ROOT,
              "| Per-node throughput of two nodes ÷ one node (%s, closed loop, measured) | ≥ 70 %% | %.0f %% | %s |",
              r.round,
              100 * r.perNode,
              yes(r.perNode >= 0.7)));
    }
    for (Ratio r : costs()) {
      double ratio = r.twoMicros / r.oneMicros;
      line(
          String.format(
              Locale.ROOT,
              "| Node CPU per update at %,.0f/s offered, two nodes ÷ one node (%s; issue 9) | ≤ 1.25× | %.2f× (%.0f / %.0f µs-core) | %s |",
              o.equalLoadRate,
              r.round,
              ratio,
              r.twoMicros,
              r.oneMicros,
              yes(ratio <= 1.25)));
    }
    for (Ratio r : costs()) {
      double implied = r.oneMicros / r.twoMicros;
      line(
          String.format(
              Locale.ROOT,
              "| Per-node throughput implied by node CPU per update at %,.0f/s (%s; one node's µs ÷ two nodes' µs, derived) | ≥ 70 %% | %.0f %% | %s |",
              o.equalLoadRate,
              r.round,
              100 * implied,
              yes(implied >= 0.7)));
    }
    for (Step s : throughput) {
      if (s.writes().size() == 2 && !s.window().stats().known()) {
        line(
            "| ≈ 1 write + 1 publish per PUT batch ("
                + stepName(s)
                + ") | ≤ 1 commit, ≤ 1 PUBLISH per batch | n/a: the server jar has no commit counters | — |");
      } else if (s.writes().size() == 2) {
        double publishes = (double) s.window().redis().publishes() / s.window().stats().batches();
        double commits = (double) s.window().stats().commits() / s.window().stats().batches();
        // At most one of each: the store commits a group of batches at once and the node broadcasts
        // a group as one
        // message, so both fall below one per batch as the load grows.
        line(
            String.format(
                Locale.ROOT,
                "| ≈ 1 write + 1 publish per PUT batch (%s) | ≤ 1 commit, ≤ 1 PUBLISH per batch | %.3f commits, %.3f PUBLISH | %s |",
                stepName(s),
                commits,
                publishes,
                yes(commits <= 1.0 && publishes <= 1.0)));
      }
    }
  }

  private List<Step> allSteps() {
    List<Step> all = new ArrayList<>(latency);
    all.addAll(throughput);
    return all;
  }

  private static String stepName(Step s) {
    return s.name()
        + ", "
        + (s.name().equals("latency") ? "" : s.config() + ", ")
        + (s.rate() > 0 ? String.format(Locale.ROOT, "%,.0f/s", s.rate()) : "closed loop");
  }

  private static String per(long count, Step s) {
    return count < 0 ? "n/a" : String.format(Locale.ROOT, "%.3f", (double) count / s.acked());
  }

  /** A node counter, or "n/a" when the nodes run the server jar (it has no way to tell). */
  private static String known(long count) {
    return count < 0 ? "n/a" : Long.toString(count);
  }

  /** Remote viewer's percentile − local viewer's, ms. */
  private static double added(Deliveries.Summary m, double percentile) {
    return ms(m.latencyMicros[1], percentile) - ms(m.latencyMicros[0], percentile);
  }

  private static String yes(boolean met) {
    return met ? "yes" : "**no**";
  }

  private void line(String s) {
    b.append(s).append('\n');
  }
}
