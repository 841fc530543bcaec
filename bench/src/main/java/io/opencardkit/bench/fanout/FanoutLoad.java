package io.opencardkit.bench.fanout;

import io.opencardkit.server.Main;
import io.opencardkit.server.OpenCardKitServer;
import io.opencardkit.server.ServerConfig;
import io.opencardkit.server.web.ViewerStats;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Fan-out benchmark: card deltas delivered per second to N WebSocket viewers of one group chat, the latency from the
 * bot's API call to the frame, and the bytes a viewer receives per byte of appended text; then, in the same run, a
 * bare Vert.x broadcaster with the same viewers, frame sizes and rates as the reference (docs/benchmarks.md).
 */
@Command(name = "FanoutLoad", mixinStandardHelpOptions = true, description = "Fan-out to WebSocket viewers, with a bare Vert.x reference.")
public final class FanoutLoad implements Callable<Integer> {
  @Option(names = "--viewers", defaultValue = "250", description = "WebSocket viewers, all in the one chat (default ${DEFAULT-VALUE}).")
  int viewers;

  @Option(names = "--streams", defaultValue = "10,20,40,80", split = ",",
      description = "Steps: concurrent streamed cards in each (default ${DEFAULT-VALUE}).")
  List<Integer> streams;

  @Option(names = "--rate", defaultValue = "10", description = "Full-text PUTs per second per card (default ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--chunk", defaultValue = "32", description = "Characters appended per PUT (default ${DEFAULT-VALUE}).")
  int chunk;

  @Option(names = "--max-text", defaultValue = "1200", description = "Characters per answer before the bot closes the card and starts another (default ${DEFAULT-VALUE}).")
  int maxText;

  @Option(names = "--warmup", defaultValue = "5s", converter = Main.DurationConverter.class, description = "Per step, before measuring (default ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(names = "--duration", defaultValue = "15s", converter = Main.DurationConverter.class, description = "Measured window per step (default ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--warmup-first", defaultValue = "15s", converter = Main.DurationConverter.class,
      description = "An unmeasured step at the first step's load before the steps of each system, for the JIT (default ${DEFAULT-VALUE}; 0s for none).")
  Duration warmupFirst;

  @Option(names = "--repeat", defaultValue = "1", description = "Rounds over the steps (default ${DEFAULT-VALUE}).")
  int repeat;

  @Option(names = "--deflate", defaultValue = "false", arity = "1",
      description = "Viewers offer permessage-deflate, as browsers do (default ${DEFAULT-VALUE}).")
  boolean deflate;

  @Option(names = "--client-loops", defaultValue = "2", description = "Event loops of the load generator's viewers (default ${DEFAULT-VALUE}).")
  int clientLoops;

  @Option(names = "--reference", defaultValue = "true", arity = "1", description = "Run the bare Vert.x reference phase (default ${DEFAULT-VALUE}).")
  boolean reference;

  @Option(names = "--p99-goal", defaultValue = "100ms", converter = Main.DurationConverter.class, description = "Latency goal (default ${DEFAULT-VALUE}).")
  Duration p99Goal;

  @Option(names = "--data-parent", defaultValue = "${java.io.tmpdir}",
      description = "Where the server's temporary data directory is made (default ${DEFAULT-VALUE}; /dev/shm takes the disk out).")
  Path dataParent;

  private final CpuMeter cpu = new CpuMeter();
  private final PrintStream out = System.out;

  public static void main(String[] args) {
    System.exit(new CommandLine(new FanoutLoad()).execute(args));
  }

  /** One measured step. */
  record Step(String system, int streams, double nominalPerSecond, double offeredPerSecond, double deliveredPerSecond, Tally window, Tally whole,
      CpuMeter.Usage cpu, long skipped, long snapshotsSent, long slowClosed, long closes, BotFleet.Counters bots,
      long wireBytes) {
    boolean meetsGoal(Duration p99Goal) {
      return window.latency.percentileMicros(0.99) <= p99Goal.toNanos() / 1000
          && deliveredPerSecond >= 0.98 * offeredPerSecond
          && offeredPerSecond >= 0.95 * nominalPerSecond
          && window.gaps + window.duplicates + closes == 0;
    }
  }

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory(dataParent, "okc-fanout");
    FanoutSeed seed = new FanoutSeed(viewers);
    header();
    Vertx clientVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(clientLoops + 1));
    List<Context> loops = new ArrayList<>();
    for (int i = 0; i < clientLoops; i++) {
      loops.add(((VertxInternal) clientVertx).createEventLoopContext());
    }
    Context botContext = ((VertxInternal) clientVertx).createEventLoopContext();
    for (Context c : loops) {
      CompletableFuture<Void> marked = new CompletableFuture<>();
      c.runOnContext(v -> {
        cpu.markClientThread();
        marked.complete(null);
      });
      marked.join();
    }
    botContext.runOnContext(v -> cpu.markClientThread());
    CardTrack.Registry registry = new CardTrack.Registry();
    List<Step> results = new ArrayList<>();

    // Both systems are up at once, each with its own N viewers, and their steps alternate (ours, then the
    // reference at the same load), so that both see about the same background load of a shared machine.
    ServerConfig config =
        ServerConfig.defaults().withPort(0).withDataDir(dir.resolve("data")).withSeed(seed.writeTo(dir)).withStreamingTimeout(Duration.ofHours(2));
    OpenCardKitServer server = OpenCardKitServer.start(config, new PrintStream(OutputStream.nullOutputStream()));
    String host = "127.0.0.1";
    int maxStreams = streams.stream().mapToInt(Integer::intValue).max().orElse(1);
    BotFleet bots = new BotFleet(clientVertx, botContext, host, server.port(), seed.appId, seed.appSecret, seed.chatId, registry, chunk, maxText, rate, maxStreams);
    bots.authenticate();
    CountingProxy proxy = new CountingProxy(clientVertx, host, server.port());
    ViewerFleet fleet = new ViewerFleet(clientVertx, loops, registry, deflate, viewers);
    long t0 = System.nanoTime();
    fleet.open(host, server.port(), proxy.port(), seed.users, 64);
    awaitRegistered(server.web().stats(), fleet.size());
    out.printf(Locale.ROOT, "OpenCardKit: %d viewers open and registered in %.1f s%n", fleet.size(), (System.nanoTime() - t0) / 1e9);
    BareBroadcaster broadcaster = reference ? new BareBroadcaster() : null;
    ViewerFleet refFleet = reference ? new ViewerFleet(clientVertx, loops, registry, deflate, viewers) : null;
    if (reference) {
      refFleet.open(host, broadcaster.port(), 0, seed.users, 64);
      Thread.sleep(1000);
      out.printf(Locale.ROOT, "reference: %d viewers open%n", refFleet.size());
    }
    int appendsPerCard = (maxText + chunk - 1) / chunk;
    if (!warmupFirst.isZero()) {
      out.printf(Locale.ROOT, "warming up for %s each (JIT), not measured:%n", warmupFirst);
      step("(warm-up)", streams.get(0), fleet, proxy, server.web().stats(), bots, warmupFirst);
      if (reference) {
        referenceStep(streams.get(0), rate, appendsPerCard, refFleet, broadcaster, registry, warmupFirst);
      }
    }
    List<Step> reference = new ArrayList<>();
    for (int round = 0; round < repeat; round++) {
      for (int s : streams) {
        results.add(step("OpenCardKit", s, fleet, proxy, server.web().stats(), bots, duration));
        if (this.reference) {
          reference.add(referenceStep(s, rate, appendsPerCard, refFleet, broadcaster, registry, duration));
        }
      }
    }
    if (this.reference) {
      reference.add(referenceStep(maxStreams, 0, appendsPerCard, refFleet, broadcaster, registry, duration));
      refFleet.close();
      broadcaster.close();
    }
    ViewerFleet.ProbeView probe = fleet.probeView();
    Map<String, String> acknowledged = bots.acknowledgedTexts();
    fleet.close();
    bots.close();
    proxy.close();
    server.close();
    clientVertx.close().await();

    report(results, reference, probe, acknowledged);
    return 0;
  }

  /** Waits until the server's hub has registered every viewer (registration is asynchronous). */
  private static void awaitRegistered(ViewerStats stats, int count) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (stats.connections() < count && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    if (stats.connections() < count) {
      throw new IllegalStateException("the server registered " + stats.connections() + " of " + count + " viewers");
    }
    Thread.sleep(500); // their resume frames
  }

  private void header() {
    Runtime rt = Runtime.getRuntime();
    out.printf(Locale.ROOT, "FanoutLoad: viewers=%d streams=%s rate=%.0f/s per card chunk=%d chars max-text=%d warmup=%s duration=%s deflate=%s client-loops=%d data=%s%n",
        viewers, streams, rate, chunk, maxText, warmup, duration, deflate, clientLoops, dataParent);
    out.printf(Locale.ROOT, "JVM %s %s, %d CPUs (%s), max heap %d MiB; load average at start: %s%n", System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"), rt.availableProcessors(), cpuModel(), rt.maxMemory() >> 20, loadAverage());
  }

  private Step step(String system, int streamCount, ViewerFleet fleet, CountingProxy proxy, ViewerStats stats, BotFleet bots,
      Duration length) {
    long start = System.nanoTime() + 200_000_000L;
    long windowStart = start + warmup.toNanos();
    long windowEnd = windowStart + length.toNanos();
    fleet.startStep(start);
    fleet.startWindow(windowStart, windowEnd);
    long skipped0 = stats.deltasSkipped();
    long snapshots0 = stats.snapshotsSent();
    long slow0 = stats.slowClientsClosed();
    long closes0 = fleet.unexpectedCloses();
    long wire0 = proxy.downstreamBytes();
    CompletableFuture<BotFleet.Counters> running = bots.run(streamCount, start, windowStart, windowEnd, windowEnd);
    CpuMeter.Usage usage = measure(windowStart, windowEnd);
    BotFleet.Counters counters = running.join();
    quiesce(fleet);
    Period whole = fleet.endStep(System.nanoTime());
    Tally w = fleet.sum(fleet.window());
    Tally s = fleet.sum(whole);
    double seconds = length.toNanos() / 1e9;
    Step result = new Step(system, streamCount, streamCount * rate * fleet.size(), counters.windowEvents * (double) fleet.size() / seconds, w.cardFrames / seconds, w, s, usage,
        stats.deltasSkipped() - skipped0, stats.snapshotsSent() - snapshots0, stats.slowClientsClosed() - slow0,
        fleet.unexpectedCloses() - closes0, counters, proxy.downstreamBytes() - wire0);
    printStep(result);
    return result;
  }

  private Step referenceStep(int channels, double perChannel, int appendsPerCard, ViewerFleet fleet, BareBroadcaster broadcaster,
      CardTrack.Registry registry, Duration length) {
    long start = System.nanoTime() + 200_000_000L;
    long windowStart = start + warmup.toNanos();
    long windowEnd = windowStart + length.toNanos();
    fleet.startStep(start);
    fleet.startWindow(windowStart, windowEnd);
    long closes0 = fleet.unexpectedCloses();
    CompletableFuture<BareBroadcaster.Sent> running = broadcaster.run(channels, perChannel, chunk, appendsPerCard, start, windowEnd, registry);
    CpuMeter.Usage usage = measure(windowStart, windowEnd);
    BareBroadcaster.Sent sent = running.join();
    quiesce(fleet);
    Period whole = fleet.endStep(System.nanoTime());
    Tally w = fleet.sum(fleet.window());
    Tally s = fleet.sum(whole);
    double seconds = length.toNanos() / 1e9;
    double offered = perChannel > 0 ? channels * perChannel * fleet.size() : w.cardFrames / seconds;
    Step result = new Step(perChannel > 0 ? "reference" : "reference flat-out", channels, offered, offered, w.cardFrames / seconds, w, s, usage,
        sent.skipped(), 0, 0, fleet.unexpectedCloses() - closes0, null, 0);
    printStep(result);
    return result;
  }

  private CpuMeter.Usage measure(long windowStart, long windowEnd) {
    parkUntil(windowStart);
    CpuMeter.Snapshot a = cpu.snapshot();
    parkUntil(windowEnd);
    return CpuMeter.between(a, cpu.snapshot());
  }

  /** Waits until no frame arrived for a second (at most 30 s): every owed frame is in. */
  private static void quiesce(ViewerFleet fleet) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline && System.nanoTime() - fleet.lastFrameNanos() < 1_000_000_000L) {
      LockSupport.parkNanos(100_000_000L);
    }
  }

  private static void parkUntil(long nanos) {
    for (long left = nanos - System.nanoTime(); left > 0; left = nanos - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }

  private void printStep(Step s) {
    Tally w = s.window();
    out.printf(Locale.ROOT,
        "%-18s streams=%3d offered=%8.0f/s delivered=%8.0f/s p50=%6.1f ms p99=%7.1f ms max=%7.1f ms | snapshots=%d skipped=%d closes=%d gaps=%d dups=%d untimed=%d"
            + " | cpu: process %.2f = load generator %.2f + server loops %.2f + writer %.2f + other java %.2f + GC/JIT %.2f; other processes %.2f cores%s%n",
        s.system(), s.streams(), s.offeredPerSecond(), s.deliveredPerSecond(), w.latency.percentileMicros(0.5) / 1000.0,
        w.latency.percentileMicros(0.99) / 1000.0, w.latency.maxMicros() / 1000.0, s.whole().snapshots, s.skipped(), s.closes(), s.whole().gaps,
        s.whole().duplicates, w.untimed, s.cpu().processCores(), s.cpu().clientCores(), s.cpu().serverLoopCores(), s.cpu().writerCores(),
        s.cpu().otherJavaCores(), s.cpu().vmCores(), s.cpu().otherProcessesCores(),
        s.bots() == null ? "" : String.format(Locale.ROOT, " | PUT ack p50 %.1f p99 %.1f ms, errors %s", s.bots().apiLatency.percentileMicros(0.5) / 1000.0,
            s.bots().apiLatency.percentileMicros(0.99) / 1000.0, s.bots().errors));
  }

  private void report(List<Step> ours, List<Step> reference, ViewerFleet.ProbeView probe, Map<String, String> acknowledged) {
    out.println();
    out.println("| system | cards × PUT/s | nominal frames/s | offered frames/s | delivered frames/s | p50 ms | p99 ms | max ms | snapshots | skipped | closes |"
        + " gaps/dups | process cores | load-gen cores | server+VM cores | other procs cores | server µs-core/frame | goal met |");
    out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    List<Step> all = new ArrayList<>(ours);
    all.addAll(reference);
    for (Step s : all) {
      Tally w = s.window();
      out.printf(Locale.ROOT, "| %s | %d × %s | %.0f | %.0f | %.0f | %.1f | %.1f | %.1f | %d | %d | %d | %d/%d | %.2f | %.2f | %.2f | %.2f | %.1f | %s |%n",
          s.system(), s.streams(), s.system().endsWith("flat-out") ? "max" : String.format(Locale.ROOT, "%.0f", rate), s.nominalPerSecond(), s.offeredPerSecond(),
          s.deliveredPerSecond(), w.latency.percentileMicros(0.5) / 1000.0, w.latency.percentileMicros(0.99) / 1000.0, w.latency.maxMicros() / 1000.0,
          s.whole().snapshots, s.skipped(), s.closes(), s.whole().gaps, s.whole().duplicates, s.cpu().processCores(), s.cpu().clientCores(),
          s.cpu().serverCores(), s.cpu().otherProcessesCores(), s.cpu().serverCores() / Math.max(1, s.deliveredPerSecond()) * 1e6,
          s.meetsGoal(p99Goal) ? "yes" : "no");
    }
    double oursKnee = ours.stream().filter(s -> s.meetsGoal(p99Goal)).mapToDouble(Step::deliveredPerSecond).max().orElse(0);
    double refKnee = reference.stream().filter(s -> !s.system().endsWith("flat-out") && s.meetsGoal(p99Goal)).mapToDouble(Step::deliveredPerSecond).max().orElse(0);
    double refMax = reference.stream().filter(s -> s.system().endsWith("flat-out")).mapToDouble(Step::deliveredPerSecond).max().orElse(0);
    out.println();
    out.printf(Locale.ROOT, "Knee (highest step with p99 <= %d ms, >= 98%% of offered delivered, >= 95%% of nominal offered, no gap/dup/close): OpenCardKit %.0f frames/s, reference %.0f frames/s"
        + " (top step%s); ratio %.2f. Reference flat-out: %.0f frames/s; OpenCardKit knee / flat-out = %.2f%n",
        p99Goal.toMillis(), oursKnee, refKnee, refKnee >= reference.stream().mapToDouble(Step::offeredPerSecond).max().orElse(0) * 0.98 ? " passed: a lower bound" : "",
        refKnee == 0 ? Double.NaN : oursKnee / refKnee, refMax, refMax == 0 ? Double.NaN : oursKnee / refMax);

    if (!reference.isEmpty()) {
      out.println();
      out.println("Same step, same viewers, one after the other: server CPU per delivered frame (everything in the process but the load generator's"
          + " threads, so GC and JIT included), and the reference's share of it:");
      out.println("| cards × PUT/s | OpenCardKit frames/s | reference frames/s | OpenCardKit µs-core/frame | reference µs-core/frame | efficiency (reference ÷ OpenCardKit) |"
          + " other processes (cores) |");
      out.println("|---|---|---|---|---|---|---|");
      List<Double> quiet = new ArrayList<>();
      List<Double> every = new ArrayList<>();
      for (int i = 0; i < ours.size() && i < reference.size(); i++) {
        Step o = ours.get(i);
        Step r = reference.get(i);
        double oPer = o.cpu().serverCores() / Math.max(1, o.deliveredPerSecond()) * 1e6;
        double rPer = r.cpu().serverCores() / Math.max(1, r.deliveredPerSecond()) * 1e6;
        out.printf(Locale.ROOT, "| %d × %.0f | %.0f | %.0f | %.1f | %.1f | %.2f | %.2f / %.2f |%n", o.streams(), rate, o.deliveredPerSecond(), r.deliveredPerSecond(),
            oPer, rPer, rPer / oPer, o.cpu().otherProcessesCores(), r.cpu().otherProcessesCores());
        every.add(rPer / oPer);
        if (o.cpu().otherProcessesCores() < QUIET_CORES && r.cpu().otherProcessesCores() < QUIET_CORES) {
          quiet.add(rPer / oPer);
        }
      }
      out.printf(Locale.ROOT, "Efficiency, median: %.2f over all %d step pairs; %s over the %d pairs where other processes used < %.2f cores in both%n",
          median(every), every.size(), quiet.isEmpty() ? "n/a" : String.format(Locale.ROOT, "%.2f", median(quiet)), quiet.size(), QUIET_CORES);
    }

    out.println();
    out.println("Bytes to one viewer (the probe, whole step incl. message, settings and hello frames) per byte of appended text:");
    out.println("| cards | appended text bytes | payload bytes to viewer | payload ÷ appended | wire bytes (proxy) | wire ÷ appended |"
        + " full text resent: text only ÷ appended | full text resent as frames ÷ appended | appended text alone deflated ÷ appended | mean frame bytes |");
    out.println("|---|---|---|---|---|---|---|---|---|---|");
    for (Step s : ours) {
      BotFleet.Counters b = s.bots();
      long payload = s.whole().probePayloadBytes;
      double appended = b.appendedBytes;
      out.printf(Locale.ROOT, "| %d | %d | %d | %.2f | %d | %.2f | %.2f | %.2f | %.2f | %.0f |%n", s.streams(), b.appendedBytes, payload, payload / appended,
          s.wireBytes(), s.wireBytes() / appended, b.fullTextBytes / appended, (payload - appended + b.fullTextBytes) / appended,
          b.appendedDeflatedBytes / appended, payload / (double) Math.max(1, s.whole().probeFrames));
    }
    long match = 0;
    long mismatch = 0;
    long missing = 0;
    for (Map.Entry<String, String> e : acknowledged.entrySet()) {
      String rebuilt = probe.texts().get(e.getKey());
      if (rebuilt == null) {
        missing++;
      } else if (rebuilt.equals(e.getValue())) {
        match++;
      } else {
        mismatch++;
      }
    }
    out.println();
    out.printf(Locale.ROOT, "Probe check: %d cards rebuilt equal to the server-acknowledged text, %d different, %d missing; %d appends at a wrong offset;"
        + " %d first appends not at version %d%n", match, mismatch, missing, probe.offsetErrors(), probe.firstVersionErrors(), BotFleet.FIRST_CONTENT_VERSION);
    out.printf(Locale.ROOT, "Load average at end: %s%n", loadAverage());
  }

  /** Below this, other processes' load during a step counts as quiet. */
  static final double QUIET_CORES = 0.25;

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    int n = sorted.size();
    return n == 0 ? Double.NaN : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** The CPU model from /proc/cpuinfo. */
  public static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name")).findFirst()
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
    } catch (Exception e) {
      return "unknown";
    }
  }

  /** /proc/loadavg as it reads. */
  public static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (Exception e) {
      return "unknown";
    }
  }

}
