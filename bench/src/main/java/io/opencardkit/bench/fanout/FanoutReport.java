package io.opencardkit.bench.fanout;

import io.opencardkit.bench.ColumnTable;
import io.opencardkit.bench.fanout.FanoutLoad.Section;
import io.opencardkit.bench.fanout.FanoutLoad.Step;
import io.opencardkit.bench.process.ThreadCpu;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * FanoutLoad's Markdown block: per placement, the steps of both systems, the same steps side by
 * side, the knee, CPU by thread from /proc, bytes to one viewer, the probe's check and the goals;
 * with several placements, how the server scaled from the first to the last.
 */
final class FanoutReport {
  private final FanoutLoad o;
  private final List<Section> sections;
  private final StringBuilder b = new StringBuilder();

  FanoutReport(FanoutLoad o, List<Section> sections) {
    this.o = o;
    this.sections = sections;
  }

  String markdown() {
    line(
        "### FanoutLoad "
            + ZonedDateTime.now(ZoneId.systemDefault())
                .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z"))
            + (o.label.isEmpty() ? "" : ": " + o.label));
    line("");
    for (Section s : sections) {
      section(s);
    }
    if (sections.size() > 1) {
      scaling();
    }
    return b.toString();
  }

  private void section(Section s) {
    if (sections.size() > 1) {
      line("#### " + s.where().describe());
      line("");
    }
    line(
        String.format(
            Locale.ROOT,
            "%d viewers in one chat, %s; cards × %.0f full-text PUTs/s, %d characters appended per PUT, new card at %,d characters; %d s warm-up and"
                + " %d s measured per step, %d round(s), steps of both systems alternating; server: %s, its JVM: %s; reference: bare Vert.x"
                + " broadcaster, %d event loop(s), %s append frames%s; %s; %s; load generator: this JVM, %d viewer event loops; load average before %s,"
                + " after %s; %d CPUs (%s), Java %s.",
            o.viewers,
            o.deflate
                ? "each offering permessage-deflate as Chromium does (`permessage-deflate; client_max_window_bits`)"
                : "no compression offered",
            o.rate,
            o.chunk,
            o.maxText,
            o.warmup.toSeconds(),
            o.duration.toSeconds(),
            o.repeat,
            o.server.describe(),
            orUnknown(s.serverJvm()),
            s.referenceLoops(),
            o.referenceFrames,
            s.referenceJvm().isEmpty() ? "" : ", its JVM: " + s.referenceJvm(),
            s.where().describe(),
            s.clockCheck().isEmpty() ? "no reference" : s.clockCheck(),
            o.clientLoops,
            s.loadBefore(),
            s.loadAfter(),
            Runtime.getRuntime().availableProcessors(),
            FanoutLoad.cpuModel(),
            System.getProperty("java.version")));
    line("");
    stepsTable(s);
    pairsTable(s);
    knee(s);
    cpuTables(s);
    bytesTable(s);
    probeCheck(s);
    goals(s);
  }

  private void stepsTable(Section s) {
    line(
        "| System | Cards × PUT/s | Nominal frames/s | Offered frames/s | Delivered frames/s | Delivered ÷ offered | p50 ms | p99 ms | max ms |"
            + " Snapshots | Closes | Gaps / dups | Unknown streams | v2 appends | Process cores | µs-core per frame | GC pauses (n / ms / max ms) |"
            + " RSS MiB | Load gen. cores | Other processes cores | Goal met |");
    line(
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|---:|---:|---:|---|");
    List<Step> all = new ArrayList<>(s.ours());
    all.addAll(s.reference());
    for (Step st : all) {
      Tally w = st.window();
      boolean timed = w.latency.count() > 0;
      line(
          String.format(
              Locale.ROOT,
              "| %s | %d × %s | %,.0f | %,.0f | **%,.0f** | %.1f %% | %s | **%s** | %s | %d | %d | %d / %d | %d | %.0f %% | %.2f | %.1f | %s | %,.0f | %.2f | %.2f | %s |",
              st.system(),
              st.streams(),
              st.flatOut() ? "max" : String.format(Locale.ROOT, "%.0f", o.rate),
              st.nominalPerSecond(),
              st.offeredPerSecond(),
              st.deliveredPerSecond(),
              100 * st.deliveredPerSecond() / st.offeredPerSecond(),
              millis(timed, st.p50Millis()),
              millis(timed, st.p99Millis()),
              millis(timed, w.latency.maxMicros() / 1000.0),
              st.whole().snapshots,
              st.closes(),
              st.whole().gaps,
              st.whole().duplicates,
              st.whole().unknownStreams,
              w.cardFrames == 0 ? 0.0 : 100.0 * w.v2Appends / w.cardFrames,
              st.target().cores(),
              st.microsPerFrame(),
              st.target().gc().describe(),
              st.target().rssKib() / 1024.0,
              st.loadGenerator().processCores(),
              st.otherCores(),
              st.flatOut() ? "—" : yes(meets(st))));
    }
    line("");
    line(
        "Offered = events sent in the window × viewers (ours: the bots' acknowledged calls; the reference: its schedule); delivered = card"
            + " frames received in the window (ours also get the cards' `settings` frames, and from servers before stop 23 their `sent` frames, hence slightly above offered). Latency ="
            + " frame receipt − scheduled send time of the API call (ours) or of the broadcast (reference). Process cores: the server's process for"
            + " ours, the broadcaster's for the reference (GC and JIT included). Flat-out: the reference as fast as its slowest socket drains, no schedule.");
    line("");
  }

  private void pairsTable(Section s) {
    if (s.reference().isEmpty()) {
      return;
    }
    line("Same step, one after the other, same viewers:");
    line("");
    line(
        "| Cards × PUT/s | Nominal frames/s | Delivered: ours / reference | p50 ms: ours / reference | p99 ms: ours / reference |"
            + " **p99 ours ÷ reference** | µs-core per frame: ours / reference | Efficiency (reference ÷ ours CPU per frame) | Other processes (cores) |");
    line("|---|---:|---|---|---|---:|---|---:|---|");
    for (Pair p : pairs(s)) {
      Step a = p.ours();
      Step r = p.reference();
      line(
          String.format(
              Locale.ROOT,
              "| %d × %.0f | %,.0f | %,.0f / %,.0f | %.1f / %.1f | %.1f / %.1f | **%.2f** | %.1f / %.1f | %.2f | %.2f / %.2f |",
              a.streams(),
              o.rate,
              a.nominalPerSecond(),
              a.deliveredPerSecond(),
              r.deliveredPerSecond(),
              a.p50Millis(),
              r.p50Millis(),
              a.p99Millis(),
              r.p99Millis(),
              p99Ratio(a, r),
              a.microsPerFrame(),
              r.microsPerFrame(),
              r.microsPerFrame() / a.microsPerFrame(),
              a.otherCores(),
              r.otherCores()));
    }
    line("");
  }

  /**
   * A step of ours with the reference's step at the same load (steps alternate, so the i-th of each
   * pair up).
   */
  record Pair(Step ours, Step reference) {}

  static List<Pair> pairs(Section s) {
    List<Step> scheduled =
        s.reference().stream().filter(r -> !r.flatOut()).collect(Collectors.toList());
    List<Pair> pairs = new ArrayList<>();
    for (int i = 0; i < s.ours().size() && i < scheduled.size(); i++) {
      pairs.add(new Pair(s.ours().get(i), scheduled.get(i)));
    }
    return pairs;
  }

  /** Ours' p99 ÷ the reference's at the same step. */
  static double p99Ratio(Step ours, Step reference) {
    return ours.p99Millis() / reference.p99Millis();
  }

  private boolean meets(Step st) {
    return st.meetsGoal(o.p99Goal, o.deliveredGoal);
  }

  /**
   * The highest delivered rate of a step that met the goal, and whether that was the highest step
   * (then a lower bound).
   */
  record Knee(double framesPerSecond, boolean topStepPassed) {
    String describe() {
      return framesPerSecond == 0
          ? "below the lowest step"
          : String.format(
              Locale.ROOT,
              "%s%,.0f frames/s%s",
              topStepPassed ? "≥ " : "",
              framesPerSecond,
              topStepPassed ? " (the highest step passed: a lower bound)" : "");
    }
  }

  static Knee knee(List<Step> steps, Predicate<Step> good) {
    List<Step> scheduled = steps.stream().filter(s -> !s.flatOut()).collect(Collectors.toList());
    double best =
        scheduled.stream().filter(good).mapToDouble(Step::deliveredPerSecond).max().orElse(0);
    double topNominal = scheduled.stream().mapToDouble(Step::nominalPerSecond).max().orElse(0);
    boolean topPassed =
        scheduled.stream().filter(s -> s.nominalPerSecond() == topNominal).anyMatch(good);
    return new Knee(best, topPassed);
  }

  private void knee(Section s) {
    Knee ours = knee(s.ours(), this::meets);
    StringBuilder k =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "- Knee (highest step with p99 ≤ %d ms, ≥ %.0f %% of offered delivered, ≥ 95 %% of"
                    + " nominal offered, no gap, duplicate, unknown stream or close): OpenCardKit %s",
                o.p99Goal.toMillis(),
                100 * o.deliveredGoal,
                ours.describe()));
    if (!s.reference().isEmpty()) {
      Knee ref = knee(s.reference(), this::meets);
      OptionalDouble flat =
          s.reference().stream().filter(Step::flatOut).mapToDouble(Step::deliveredPerSecond).max();
      k.append(
          String.format(
              Locale.ROOT,
              "; reference %s; ratio %s; reference flat-out %,.0f frames/s",
              ref.describe(),
              ratioText(ours.framesPerSecond(), ref.framesPerSecond()),
              flat.orElse(Double.NaN)));
    }
    line(k.append('.').toString());
    line("");
  }

  private void cpuTables(Section s) {
    line(
        "CPU of the server's process by thread (cores over each window, /proc/<pid>/task; the kernel's 15-character thread names):");
    line("");
    ColumnTable<Step> table = new ColumnTable<>(b, "Cores busy", s.ours(), this::stepName);
    for (String group : ThreadCpu.GROUPS) {
      table.row(group, st -> String.format(Locale.ROOT, "%.2f", st.target().cpu().cores(group)));
    }
    table
        .row(
            "event loops busy (≥ 0.05 cores)",
            st -> Integer.toString(st.target().cpu().busyLoops()))
        .row(
            "**whole server process**",
            st -> String.format(Locale.ROOT, "**%.2f**", st.target().cores()))
        .row(
            "load generator (this JVM)",
            st -> String.format(Locale.ROOT, "%.2f", st.loadGenerator().processCores()))
        .row(
            "other processes on the machine",
            st -> String.format(Locale.ROOT, "%.2f", st.otherCores()));
    line("");
    if (!s.reference().isEmpty()) {
      line("CPU of the reference's process by thread:");
      line("");
      ColumnTable<Step> ref = new ColumnTable<>(b, "Cores busy", s.reference(), this::stepName);
      for (String group :
          List.of(
              ThreadCpu.EVENT_LOOPS,
              ThreadCpu.BUSIEST_LOOP,
              ThreadCpu.GC,
              ThreadCpu.JIT,
              ThreadCpu.OTHER)) {
        ref.row(group, st -> String.format(Locale.ROOT, "%.2f", st.target().cpu().cores(group)));
      }
      ref.row(
          "**whole reference process**",
          st -> String.format(Locale.ROOT, "**%.2f**", st.target().cores()));
      line("");
    }
  }

  private String stepName(Step st) {
    return (st.system().startsWith("reference") ? (st.flatOut() ? "flat-out " : "") : "")
        + st.streams()
        + " × "
        + (st.flatOut() ? "max" : String.format(Locale.ROOT, "%.0f", o.rate));
  }

  private void bytesTable(Section s) {
    line(
        "Bytes to one viewer (the probe, whole step incl. message, settings, stream and hello frames) per byte of appended text:");
    line("");
    line(
        "| Cards | Appended text bytes | Payload bytes to viewer | Payload ÷ appended | Wire bytes (proxy) | **Wire ÷ appended** |"
            + " Full text resent: text only ÷ appended | Full text resent as frames ÷ appended | Appended text alone deflated ÷ appended | Mean frame bytes |");
    line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (Step st : s.ours()) {
      BotFleet.Counters c = st.bots();
      long payload = st.whole().probePayloadBytes;
      double appended = c.appendedBytes;
      line(
          String.format(
              Locale.ROOT,
              "| %d | %,d | %,d | %.2f | %,d | **%.2f** | %.2f | %.2f | %.2f | %.0f |",
              st.streams(),
              c.appendedBytes,
              payload,
              payload / appended,
              st.wireBytes(),
              wireRatio(st),
              c.fullTextBytes / appended,
              (payload - appended + c.fullTextBytes) / appended,
              c.appendedDeflatedBytes / appended,
              payload / (double) Math.max(1, st.whole().probeFrames)));
    }
    line("");
  }

  static double wireRatio(Step st) {
    return st.wireBytes() / (double) st.bots().appendedBytes;
  }

  private void probeCheck(Section s) {
    long match = 0;
    long mismatch = 0;
    long missing = 0;
    for (Map.Entry<String, String> e : s.acknowledged().entrySet()) {
      String rebuilt = s.probe().texts().get(e.getKey());
      if (rebuilt == null) {
        missing++;
      } else if (rebuilt.equals(e.getValue())) {
        match++;
      } else {
        mismatch++;
      }
    }
    line(
        String.format(
            Locale.ROOT,
            "- Probe check: %d cards rebuilt equal to the server-acknowledged text, %d different, %d missing; %d v1 appends at a"
                + " wrong offset; %d v2 appends of a stream never announced; %d first appends not at version %d.",
            match,
            mismatch,
            missing,
            s.probe().offsetErrors(),
            s.probe().unknownStreams(),
            s.probe().firstVersionErrors(),
            BotFleet.FIRST_CONTENT_VERSION));
    line("");
  }

  private void goals(Section s) {
    line("| Goal (issue 9, this placement) | Target | Reached | Met |");
    line("|---|---|---|---|");
    List<Pair> pairs = pairs(s);
    List<Step> goalSteps =
        s.ours().stream()
            .filter(st -> Math.abs(st.nominalPerSecond() - 25_000) < 250)
            .collect(Collectors.toList());
    if (goalSteps.isEmpty() && !s.ours().isEmpty()) {
      goalSteps = List.of(s.ours().get(0));
    }
    for (Step st : goalSteps) {
      String at =
          String.format(
              Locale.ROOT,
              " at %,.0f frames/s nominal (%d × %.0f)",
              st.nominalPerSecond(),
              st.streams(),
              o.rate);
      double share = st.deliveredPerSecond() / st.offeredPerSecond();
      line(
          String.format(
              Locale.ROOT,
              "| Delivered ÷ offered%s | ≥ %.0f %% | %.1f %% | %s |",
              at,
              100 * o.deliveredGoal,
              100 * share,
              yes(share >= o.deliveredGoal)));
      line(
          String.format(
              Locale.ROOT,
              "| p99 API call → frame%s | ≤ %d ms | %.1f ms | %s |",
              at,
              o.p99Goal.toMillis(),
              st.p99Millis(),
              yes(st.p99Millis() <= o.p99Goal.toMillis())));
      pairs.stream()
          .filter(p -> p.ours().equals(st))
          .findFirst()
          .ifPresent(
              p ->
                  line(
                      String.format(
                          Locale.ROOT,
                          "| p99 ÷ the bare broadcaster's in the same run%s | ≤ %.2f | %.2f (%.1f / %.1f ms) | %s |",
                          at,
                          o.referenceP99Goal,
                          p99Ratio(st, p.reference()),
                          st.p99Millis(),
                          p.reference().p99Millis(),
                          yes(p99Ratio(st, p.reference()) <= o.referenceP99Goal))));
    }
    Knee knee = knee(s.ours(), this::meets);
    line(
        String.format(
            Locale.ROOT,
            "| Knee | ≥ %,.0f frames/s | %s | %s |",
            o.kneeGoal,
            knee.describe(),
            knee.framesPerSecond() >= o.kneeGoal
                ? "yes"
                : knee.topStepPassed() ? "**not reached by the steps**" : "**no**"));
    double worstWire =
        s.ours().stream().mapToDouble(FanoutReport::wireRatio).max().orElse(Double.NaN);
    double wireGoal = o.deflate ? 1.1 : 1.5;
    line(
        String.format(
            Locale.ROOT,
            "| Bytes on the wire to one viewer ÷ appended text, %s (worst step) | ≤ %.1f | %.2f | %s |",
            o.deflate ? "deflate negotiated" : "no compression",
            wireGoal,
            worstWire,
            yes(worstWire <= wireGoal)));
    long faults =
        s.ours().stream()
            .mapToLong(
                st ->
                    st.whole().gaps
                        + st.whole().duplicates
                        + st.whole().unknownStreams
                        + st.closes())
            .sum();
    line(
        String.format(
            Locale.ROOT,
            "| No gap, duplicate, unknown stream or closed socket (all steps of ours) | 0 | %d | %s |",
            faults,
            yes(faults == 0)));
    line("");
  }

  /**
   * Core scaling: the same steps on each placement, and the last placement's figures ÷ the first's.
   */
  private void scaling() {
    line("#### Placements compared (core scaling)");
    line("");
    ColumnTable<Section> table = new ColumnTable<>(b, "Figure", sections, s -> s.where().label());
    table.row("knee of ours", s -> knee(s.ours(), this::meets).describe());
    table.row(
        "knee of the reference",
        s -> s.reference().isEmpty() ? "—" : knee(s.reference(), this::meets).describe());
    table.row(
        "reference flat-out frames/s",
        s ->
            String.format(
                Locale.ROOT,
                "%,.0f",
                s.reference().stream()
                    .filter(Step::flatOut)
                    .mapToDouble(Step::deliveredPerSecond)
                    .max()
                    .orElse(Double.NaN)));
    List<Step> firstSteps = sections.get(0).ours();
    for (int i = 0; i < firstSteps.size(); i++) {
      int step = i;
      table.row(
          String.format(
              Locale.ROOT,
              "ours at %,.0f nominal: delivered/s, p99 ms, server cores (event loops, busiest, GC)",
              firstSteps.get(i).nominalPerSecond()),
          s ->
              step < s.ours().size()
                  ? String.format(
                      Locale.ROOT,
                      "%,.0f, %.1f, %.2f (%.2f, %.2f, %.2f)",
                      s.ours().get(step).deliveredPerSecond(),
                      s.ours().get(step).p99Millis(),
                      s.ours().get(step).target().cores(),
                      s.ours().get(step).target().cpu().cores(ThreadCpu.EVENT_LOOPS),
                      s.ours().get(step).target().cpu().cores(ThreadCpu.BUSIEST_LOOP),
                      s.ours().get(step).target().cpu().cores(ThreadCpu.GC))
                  : "—");
    }
    line("");
    Section first = sections.get(0);
    Section last = sections.get(sections.size() - 1);
    Knee k1 = knee(first.ours(), this::meets);
    Knee k2 = knee(last.ours(), this::meets);
    line(
        String.format(
            Locale.ROOT,
            "- Knee of ours, %s ÷ %s: **%s**%s.",
            last.where().label(),
            first.where().label(),
            ratioText(k2.framesPerSecond(), k1.framesPerSecond()),
            k2.topStepPassed()
                ? " (the last placement passed its highest step: the ratio is a lower bound; add steps)"
                : ""));
    if (!first.ours().isEmpty() && !last.ours().isEmpty()) {
      Step top1 = first.ours().get(first.ours().size() - 1);
      Step top2 = last.ours().get(last.ours().size() - 1);
      line(
          String.format(
              Locale.ROOT,
              "- Delivered frames/s at the highest step (%,.0f nominal), %s ÷ %s: **%s** (%,.0f against %,.0f).",
              top2.nominalPerSecond(),
              last.where().label(),
              first.where().label(),
              ratioText(top2.deliveredPerSecond(), top1.deliveredPerSecond()),
              top2.deliveredPerSecond(),
              top1.deliveredPerSecond()));
    }
    line("");
  }

  /** A latency, or "—" for a step whose frames are untimed (flat-out). */
  private static String millis(boolean timed, double ms) {
    return timed ? String.format(Locale.ROOT, "%.1f", ms) : "—";
  }

  static String ratioText(double a, double b) {
    return b == 0 || Double.isNaN(a) || Double.isNaN(b)
        ? "n/a"
        : String.format(Locale.ROOT, "%.2f×", a / b);
  }

  private static String orUnknown(String s) {
    return s == null || s.isEmpty() ? "not logged" : s;
  }

  static String yes(boolean met) {
    return met ? "yes" : "**no**";
  }

  private void line(String s) {
    b.append(s).append('\n');
  }
}
