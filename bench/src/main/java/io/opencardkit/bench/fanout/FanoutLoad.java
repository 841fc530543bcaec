package io.opencardkit.bench.fanout;

import io.opencardkit.bench.CpuMeter;
import io.opencardkit.bench.process.Placement;
import io.opencardkit.bench.process.ServerOptions;
import io.opencardkit.bench.process.ServerProcess;
import io.opencardkit.server.Main;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Fan-out benchmark: card deltas delivered per second to N WebSocket viewers of one group chat, the
 * latency from the bot's API call to the frame, and the bytes a viewer receives per byte of
 * appended text; then, in the same run, a bare Vert.x broadcaster with the same viewers, frame
 * sizes and rates as the reference (docs/benchmarks.md). The server runs in a JVM of its own, as
 * {@code bin/opencardkit serve} runs it, and so does the broadcaster; with several {@code
 * --server-cpus} the whole measurement runs once per placement, each on fresh processes.
 */
@Command(
    name = "FanoutLoad",
    mixinStandardHelpOptions = true,
    description = "Fan-out to WebSocket viewers, with a bare Vert.x reference.")
public final class FanoutLoad implements Callable<Integer> {
  @Option(
      names = "--viewers",
      defaultValue = "250",
      description = "WebSocket viewers, all in the one chat (default ${DEFAULT-VALUE}).")
  int viewers;

  @Option(
      names = "--streams",
      defaultValue = "10,20,40,80",
      split = ",",
      description = "Steps: concurrent streamed cards in each (default ${DEFAULT-VALUE}).")
  List<Integer> streams;

  @Option(
      names = "--rate",
      defaultValue = "10",
      description = "Full-text PUTs per second per card (default ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--chunk",
      defaultValue = "32",
      description = "Characters appended per PUT (default ${DEFAULT-VALUE}).")
  int chunk;

  @Option(
      names = "--max-text",
      defaultValue = "1200",
      description =
          "Characters per answer before the bot closes the card and starts another (default ${DEFAULT-VALUE}).")
  int maxText;

  @Option(
      names = "--warmup",
      defaultValue = "5s",
      converter = Main.DurationConverter.class,
      description = "Per step, before measuring (default ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(
      names = "--duration",
      defaultValue = "15s",
      converter = Main.DurationConverter.class,
      description = "Measured window per step (default ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(
      names = "--warmup-first",
      defaultValue = "15s",
      converter = Main.DurationConverter.class,
      description =
          "An unmeasured step at the first step's load before the steps of each system, for the JIT (default ${DEFAULT-VALUE}; 0s for none).")
  Duration warmupFirst;

  @Option(
      names = "--repeat",
      defaultValue = "1",
      description = "Rounds over the steps (default ${DEFAULT-VALUE}).")
  int repeat;

  @Option(
      names = "--deflate",
      defaultValue = "false",
      arity = "1",
      description =
          "Viewers offer permessage-deflate as Chromium does: permessage-deflate; client_max_window_bits (default ${DEFAULT-VALUE}).")
  boolean deflate;

  @Option(
      names = "--accept-client-no-context",
      defaultValue = "false",
      arity = "1",
      description =
          "With --deflate: viewers accept client_no_context_takeover in the server's answer, as Chromium does; Netty's client then offers it too."
              + " Needed against OpenCardKit's shared compression, which answers it unasked; leave it off for servers that honour the offer (default ${DEFAULT-VALUE}).")
  boolean acceptClientNoContext;

  @Option(
      names = "--client-loops",
      defaultValue = "2",
      description = "Event loops of the load generator's viewers (default ${DEFAULT-VALUE}).")
  int clientLoops;

  @Option(
      names = "--reference",
      defaultValue = "true",
      arity = "1",
      description = "Run the bare Vert.x reference (default ${DEFAULT-VALUE}).")
  boolean reference;

  @Option(
      names = "--reference-frames",
      defaultValue = "v1",
      description =
          "Append frames of the reference: v1 (the card frame object of web protocol v1) or v2 (a stream announcement per card, then"
              + " [k,version,\"text\"]); give the shape the server under test sends (default ${DEFAULT-VALUE}).")
  String referenceFrames;

  @Option(
      names = "--reference-event-loops",
      defaultValue = "0",
      description =
          "Event loops of the reference; 0: as many as the server gets (--event-loops in --server-args, else its CPUs) (default ${DEFAULT-VALUE}).")
  int referenceEventLoops;

  @Option(
      names = "--p99-goal",
      defaultValue = "60ms",
      converter = Main.DurationConverter.class,
      description =
          "A step meets the goal with p99 API call → frame at most this (default ${DEFAULT-VALUE}, issue 9).")
  Duration p99Goal;

  @Option(
      names = "--delivered-goal",
      defaultValue = "0.99",
      description =
          "… and at least this share of the offered frames delivered (default ${DEFAULT-VALUE}, issue 9).")
  double deliveredGoal;

  @Option(
      names = "--reference-p99-goal",
      defaultValue = "1.2",
      description =
          "Goal: p99 at most this many times the reference's at the same step (default ${DEFAULT-VALUE}, issue 9).")
  double referenceP99Goal;

  @Option(
      names = "--knee-goal",
      defaultValue = "75000",
      description = "Goal: knee at least this many frames/s (default ${DEFAULT-VALUE}, issue 9).")
  double kneeGoal;

  @Option(
      names = "--data-parent",
      defaultValue = "${java.io.tmpdir}",
      description =
          "Where the server's temporary data directory is made (default ${DEFAULT-VALUE}; /dev/shm takes the disk out).")
  Path dataParent;

  @Option(names = "--label", defaultValue = "", description = "A note for the result heading.")
  String label;

  @Mixin ServerOptions server = new ServerOptions();

  @Mixin Placement placement = new Placement();

  private final CpuMeter cpu = new CpuMeter();
  private int scheduleStep;

  public static void main(String[] args) {
    System.exit(new CommandLine(new FanoutLoad()).execute(args));
  }

  /**
   * One measured step.
   *
   * @param target what the system under test used: the server's process for ours, the broadcaster's
   *     for the reference
   * @param otherCores cores other processes of the machine used (not this JVM, the server or the
   *     broadcaster)
   */
  record Step(
      String system,
      int streams,
      double nominalPerSecond,
      double offeredPerSecond,
      double deliveredPerSecond,
      Tally window,
      Tally whole,
      CpuMeter.Usage loadGenerator,
      ServerProcess.Usage target,
      double otherCores,
      long closes,
      BotFleet.Counters bots,
      long wireBytes,
      long skipped) {
    boolean meetsGoal(Duration p99Goal, double deliveredShare) {
      return window.latency.percentileMicros(0.99) <= p99Goal.toNanos() / 1000
          && deliveredPerSecond >= deliveredShare * offeredPerSecond
          && offeredPerSecond >= 0.95 * nominalPerSecond
          && window.gaps + window.duplicates + window.unknownStreams + closes == 0;
    }

    boolean flatOut() {
      return system.endsWith("flat-out");
    }

    /** The system's CPU per delivered frame, µs (its whole process: GC and JIT included). */
    double microsPerFrame() {
      return target.cores() / Math.max(1, deliveredPerSecond) * 1e6;
    }

    double p50Millis() {
      return window.latency.percentileMicros(0.5) / 1000.0;
    }

    double p99Millis() {
      return window.latency.percentileMicros(0.99) / 1000.0;
    }
  }

  /** Everything one placement measured. */
  record Section(
      Placement.Where where,
      String serverJvm,
      String referenceJvm,
      int referenceLoops,
      String clockCheck,
      List<Step> ours,
      List<Step> reference,
      ViewerFleet.ProbeView probe,
      Map<String, String> acknowledged,
      String loadBefore,
      String loadAfter) {}

  @Override
  public Integer call() throws Exception {
    ViewerFleet.acceptClientNoContext(acceptClientNoContext);
    if (!referenceFrames.equals("v1") && !referenceFrames.equals("v2")) {
      System.err.println("FanoutLoad: --reference-frames takes v1 or v2");
      return 2;
    }
    List<Placement.Where> placements = placement.placements();
    boolean pinsClient = placement.pinsClient();
    log(
        String.format(
            Locale.ROOT,
            "FanoutLoad: viewers=%d streams=%s rate=%.0f/s per card chunk=%d chars deflate=%s; server %s; placements: %s",
            viewers,
            streams,
            rate,
            chunk,
            deflate,
            server.describe(),
            placements.stream()
                .map(Placement.Where::describe)
                .reduce((a, b) -> a + "; " + b)
                .orElse("")));
    List<Section> sections = new ArrayList<>();
    for (Placement.Where where : placements) {
      where.pinSelf(pinsClient);
      sections.add(measure(where));
    }
    System.out.println();
    System.out.println(new FanoutReport(this, sections).markdown());
    return 0;
  }

  /**
   * The whole measurement on one placement: a fresh server and broadcaster, viewers for each, the
   * steps.
   */
  private Section measure(Placement.Where where) throws Exception {
    String loadBefore = loadAverage();
    Path dir = Files.createTempDirectory(dataParent, "okc-fanout");
    FanoutSeed seed = new FanoutSeed(viewers);
    Path seedFile = seed.writeTo(dir);
    int refLoops =
        referenceEventLoops > 0
            ? referenceEventLoops
            : server.referenceEventLoops(where.serverCpus());
    ServerProcess ours = null;
    ServerProcess ref = null;
    Vertx clientVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(clientLoops + 1));
    try {
      ours =
          server.startServer(
              "server", where.childCpus(), dir, seedFile, List.of("--streaming-timeout", "2h"));
      if (reference) {
        ref =
            server.startProgram(
                "bare-broadcaster",
                where.childCpus(),
                dir,
                BareBroadcaster.class,
                List.of("--event-loops", Integer.toString(refLoops), "--frames", referenceFrames));
      }
      String clock = ref == null ? "" : clockCheck(ref);
      List<Context> loops = new ArrayList<>();
      for (int i = 0; i < clientLoops; i++) {
        loops.add(((VertxInternal) clientVertx).createEventLoopContext());
      }
      Context botContext = ((VertxInternal) clientVertx).createEventLoopContext();
      CardTrack.Registry registry = new CardTrack.Registry();
      String host = ours.host();
      int maxStreams = streams.stream().mapToInt(Integer::intValue).max().orElse(1);
      int appendsPerCard = (maxText + chunk - 1) / chunk;
      BotFleet bots =
          new BotFleet(
              clientVertx,
              botContext,
              host,
              ours.port(),
              seed.appId,
              seed.appSecret,
              seed.chatId,
              registry,
              chunk,
              maxText,
              rate,
              maxStreams);
      bots.authenticate();
      CountingProxy proxy = new CountingProxy(clientVertx, host, ours.port());
      ViewerFleet fleet = new ViewerFleet(clientVertx, loops, registry, deflate, viewers);
      long t0 = System.nanoTime();
      fleet.open(host, ours.port(), proxy.port(), seed.users, 64);
      String sentinel = bots.sentinel();
      fleet.awaitReady(sentinel, () -> bots.sentinelUpdate(sentinel), 120);
      bots.closeSentinel(sentinel);
      log(
          String.format(
              Locale.ROOT,
              "OpenCardKit: %d viewers open, greeted and past their resume in %.1f s",
              fleet.size(),
              (System.nanoTime() - t0) / 1e9));
      ViewerFleet refFleet = null;
      if (ref != null) {
        refFleet =
            new ViewerFleet(
                clientVertx,
                loops,
                registry,
                deflate,
                viewers,
                ViewerFleet.CardFrameListener.NONE,
                appendsPerCard + 1);
        refFleet.open(host, ref.port(), 0, seed.users, 64);
        refFleet.awaitReady(120);
        log(
            "reference: "
                + ref.ask("sockets", BareBroadcaster.SOCKETS, Duration.ofSeconds(10))
                + " ("
                + refLoops
                + " event loops)");
      }
      Systems systems =
          new Systems(ours, ref, fleet, refFleet, proxy, bots, registry, appendsPerCard);
      if (!warmupFirst.isZero()) {
        log("warming up for " + warmupFirst.toSeconds() + " s each (JIT), not measured");
        step(systems, "(warm-up)", streams.get(0), warmupFirst);
        if (ref != null) {
          referenceStep(systems, streams.get(0), rate, warmupFirst);
        }
      }
      List<Step> oursSteps = new ArrayList<>();
      List<Step> refSteps = new ArrayList<>();
      // Both systems are up at once, each with its own N viewers, and their steps alternate (ours,
      // then the reference
      // at the same load), so that both see about the same background load of a shared machine.
      for (int round = 0; round < repeat; round++) {
        for (int s : streams) {
          oursSteps.add(step(systems, "OpenCardKit", s, duration));
          if (ref != null) {
            refSteps.add(referenceStep(systems, s, rate, duration));
          }
        }
      }
      if (ref != null) {
        refSteps.add(referenceStep(systems, maxStreams, 0, duration));
        refFleet.close();
      }
      ViewerFleet.ProbeView probe = fleet.probeView();
      Map<String, String> acknowledged = bots.acknowledgedTexts();
      fleet.close();
      bots.close();
      proxy.close();
      return new Section(
          where,
          ours.jvmSummary(),
          ref == null ? "" : ref.jvmSummary(),
          refLoops,
          clock,
          oursSteps,
          refSteps,
          probe,
          acknowledged,
          loadBefore,
          loadAverage());
    } finally {
      clientVertx.close().await();
      if (ref != null) {
        ref.close();
      }
      if (ours != null) {
        ours.close();
      }
      deleteTree(dir);
    }
  }

  /** What the steps of one placement run against. */
  private record Systems(
      ServerProcess server,
      ServerProcess reference,
      ViewerFleet fleet,
      ViewerFleet refFleet,
      CountingProxy proxy,
      BotFleet bots,
      CardTrack.Registry registry,
      int appendsPerCard) {}

  /**
   * The broadcaster's schedule is computed in both processes from {@link System#nanoTime()}: check
   * that they read the same clock (Linux's monotonic clock), within the round trip of asking.
   */
  private static String clockCheck(ServerProcess ref) {
    long before = System.nanoTime();
    String answer = ref.ask("clock", BareBroadcaster.CLOCK, Duration.ofSeconds(10));
    long after = System.nanoTime();
    long theirs = Long.parseLong(answer.substring(BareBroadcaster.CLOCK.length()).trim());
    double offsetMillis = (theirs - (before + after) / 2) / 1e6;
    double roundTripMillis = (after - before) / 1e6;
    if (Math.abs(offsetMillis) > roundTripMillis / 2 + 1) {
      throw new IllegalStateException(
          String.format(
              Locale.ROOT,
              "the broadcaster's System.nanoTime() is %.1f ms off ours (round trip %.1f ms): the processes do not share a monotonic clock",
              offsetMillis,
              roundTripMillis));
    }
    return String.format(
        Locale.ROOT,
        "the broadcaster's clock read within ±%.2f ms of ours (round trip %.2f ms)",
        roundTripMillis / 2,
        roundTripMillis);
  }

  /**
   * A step of ours: the bots stream into {@code streamCount} cards at --rate; the viewers count and
   * time the frames.
   */
  private Step step(Systems sys, String system, int streamCount, Duration length) {
    long start = System.nanoTime() + 200_000_000L;
    long windowStart = start + warmup.toNanos();
    long windowEnd = windowStart + length.toNanos();
    ViewerFleet fleet = sys.fleet();
    fleet.startStep(start);
    fleet.startWindow(windowStart, windowEnd);
    long closes0 = fleet.unexpectedCloses();
    long wire0 = sys.proxy().downstreamBytes();
    CompletableFuture<BotFleet.Counters> running =
        sys.bots().run(streamCount, start, windowStart, windowEnd, windowEnd);
    Window w = measure(sys, sys.server(), windowStart, windowEnd);
    BotFleet.Counters counters = running.join();
    quiesce(fleet);
    Period whole = fleet.endStep(System.nanoTime());
    Tally inWindow = fleet.sum(fleet.window());
    Tally all = fleet.sum(whole);
    double seconds = length.toNanos() / 1e9;
    Step result =
        new Step(
            system,
            streamCount,
            streamCount * rate * fleet.size(),
            counters.windowEvents * (double) fleet.size() / seconds,
            inWindow.cardFrames / seconds,
            inWindow,
            all,
            w.loadGenerator,
            w.target,
            w.otherCores,
            fleet.unexpectedCloses() - closes0,
            counters,
            sys.proxy().downstreamBytes() - wire0,
            0);
    progress(result);
    return result;
  }

  /**
   * A step of the reference: the broadcaster sends {@code channels} cards' appends at {@code
   * perChannel}/s each (0: flat out), on a schedule whose every frame is registered here first, so
   * the same viewers time it.
   */
  private Step referenceStep(Systems sys, int channels, double perChannel, Duration length) {
    long start = System.nanoTime() + 200_000_000L;
    long windowStart = start + warmup.toNanos();
    long windowEnd = windowStart + length.toNanos();
    BroadcastSchedule schedule =
        new BroadcastSchedule(
            ++scheduleStep, channels, perChannel, chunk, sys.appendsPerCard(), start, windowEnd);
    long[] inWindow = new long[1];
    schedule.forEachScheduled(
        (cardId, version, due) -> {
          CardTrack track = sys.registry().getOrRegister(cardId, sys.appendsPerCard() + 1);
          track.sent(version, due);
          inWindow[0] += due >= windowStart && due < windowEnd ? 1 : 0;
        });
    ViewerFleet fleet = sys.refFleet();
    fleet.startStep(start);
    fleet.startWindow(windowStart, windowEnd);
    long closes0 = fleet.unexpectedCloses();
    long waitSeconds = (windowEnd - System.nanoTime()) / 1_000_000_000L + 60;
    CompletableFuture<BareBroadcaster.Sent> running =
        CompletableFuture.supplyAsync(
            () ->
                BareBroadcaster.Sent.parse(
                    sys.reference()
                        .ask(
                            schedule.command(),
                            BareBroadcaster.SENT,
                            Duration.ofSeconds(waitSeconds))));
    Window w = measure(sys, sys.reference(), windowStart, windowEnd);
    BareBroadcaster.Sent sent = running.join();
    quiesce(fleet);
    Period whole = fleet.endStep(System.nanoTime());
    Tally t = fleet.sum(fleet.window());
    Tally all = fleet.sum(whole);
    double seconds = length.toNanos() / 1e9;
    double nominal = perChannel > 0 ? channels * perChannel * fleet.size() : t.cardFrames / seconds;
    double offered = perChannel > 0 ? inWindow[0] * (double) fleet.size() / seconds : nominal;
    Step result =
        new Step(
            perChannel > 0 ? "reference" : "reference flat-out",
            channels,
            nominal,
            offered,
            t.cardFrames / seconds,
            t,
            all,
            w.loadGenerator,
            w.target,
            w.otherCores,
            fleet.unexpectedCloses() - closes0,
            null,
            0,
            sent.skipped());
    progress(result);
    return result;
  }

  /** CPU of this JVM, of the system under test, and of the rest of the machine, over a window. */
  private record Window(
      CpuMeter.Usage loadGenerator, ServerProcess.Usage target, double otherCores) {}

  private Window measure(Systems sys, ServerProcess target, long windowStart, long windowEnd) {
    parkUntil(windowStart);
    CpuMeter.Snapshot self0 = cpu.snapshot();
    ServerProcess.Reading server0 = sys.server().read();
    ServerProcess.Reading ref0 = sys.reference() == null ? null : sys.reference().read();
    parkUntil(windowEnd);
    CpuMeter.Snapshot self1 = cpu.snapshot();
    ServerProcess.Reading server1 = sys.server().read();
    ServerProcess.Reading ref1 = sys.reference() == null ? null : sys.reference().read();
    CpuMeter.Usage self = cpu.between(self0, self1);
    ServerProcess.Usage serverUsage = sys.server().between(server0, server1);
    ServerProcess.Usage refUsage =
        ref0 == null ? ServerProcess.Usage.NONE : sys.reference().between(ref0, ref1);
    // Both processes are ours whichever one is measured (the idle one's timers are counted too);
    // the rest is others'.
    double other =
        self.machineBusySeconds() < 0
            ? Double.NaN
            : Math.max(
                0,
                self.machineBusySeconds() / self.wallSeconds()
                    - self.processCores()
                    - serverUsage.cores()
                    - refUsage.cores());
    return new Window(self, target == sys.server() ? serverUsage : refUsage, other);
  }

  /** Waits until no frame arrived for a second (at most 30 s): every owed frame is in. */
  private static void quiesce(ViewerFleet fleet) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline
        && System.nanoTime() - fleet.lastFrameNanos() < 1_000_000_000L) {
      LockSupport.parkNanos(100_000_000L);
    }
  }

  private static void parkUntil(long nanos) {
    for (long left = nanos - System.nanoTime(); left > 0; left = nanos - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }

  private void progress(Step s) {
    Tally w = s.window();
    log(
        String.format(
            Locale.ROOT,
            "%-18s streams=%3d offered=%8.0f/s delivered=%8.0f/s p50=%6.1f ms p99=%7.1f ms max=%7.1f ms | snapshots=%d closes=%d gaps=%d dups=%d"
                + " unknown-streams=%d v2-appends=%d untimed=%d | process %.2f cores (event loops %.2f, busiest %.2f), GC pauses %s ms; load generator %.2f;"
                + " other processes %.2f%s",
            s.system(),
            s.streams(),
            s.offeredPerSecond(),
            s.deliveredPerSecond(),
            s.p50Millis(),
            s.p99Millis(),
            w.latency.maxMicros() / 1000.0,
            s.whole().snapshots,
            s.closes(),
            s.whole().gaps,
            s.whole().duplicates,
            s.whole().unknownStreams,
            w.v2Appends,
            w.untimed,
            s.target().cores(),
            s.target().cpu().cores(io.opencardkit.bench.process.ThreadCpu.EVENT_LOOPS),
            s.target().cpu().cores(io.opencardkit.bench.process.ThreadCpu.BUSIEST_LOOP),
            s.target().gc().describe(),
            s.loadGenerator().processCores(),
            s.otherCores(),
            s.bots() == null
                ? ""
                : String.format(
                    Locale.ROOT,
                    " | PUT ack p50 %.1f p99 %.1f ms, errors %s",
                    s.bots().apiLatency.percentileMicros(0.5) / 1000.0,
                    s.bots().apiLatency.percentileMicros(0.99) / 1000.0,
                    s.bots().errors)));
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e.getMessage());
    }
  }

  static void log(String line) {
    System.err.println(
        ZonedDateTime.now(ZoneId.systemDefault()).format(DateTimeFormatter.ISO_LOCAL_TIME)
            + " "
            + line);
  }

  /** The CPU model from /proc/cpuinfo. */
  public static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .findFirst()
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .orElse("unknown");
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
