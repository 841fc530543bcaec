package io.opencardkit.bench;

import io.opencardkit.bench.process.Placement;
import io.opencardkit.bench.process.ServerOptions;
import io.opencardkit.bench.process.ServerProcess;
import io.opencardkit.server.Main;
import io.vertx.core.Context;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Load benchmark: how many full-text streaming updates per second the server acknowledges durably,
 * at what latency, compared with a no-op endpoint of the same server in the same run; on one store
 * or on several side by side (each on a fresh embedded server), closed loop or stepping through
 * offered rates to find the knee. Prints a Markdown block for docs/benchmarks.md.
 */
@Command(
    name = "streaming-load",
    mixinStandardHelpOptions = true,
    description = {
      "Measures acknowledged (durable) full-text streaming updates per second and their latency with N concurrent",
      "closed-loop bot streams, then the same streams against a no-op endpoint of the same server in the same run.",
      "With --store sqlite,postgresql://… each store gets a fresh embedded server and its own update phase;",
      "with --rate-steps the update phases step through offered rates (open loop) and the knee is reported.",
      "With --server process the server runs in a JVM of its own, as bin/opencardkit serve runs it, and --noop bare compares",
      "with a bare Vert.x handler in a JVM of its own; each --server-cpus placement gets fresh processes."
    })
public final class StreamingLoad implements Callable<Integer> {
  @Option(
      names = "--url",
      description =
          "An existing server (http://host:port). Default: start one in this JVM on a temp data directory.")
  String url;

  @Option(names = "--app-id", description = "App id on the server given by --url.")
  String appId;

  @Option(names = "--app-secret", description = "App secret on the server given by --url.")
  String appSecret;

  @Option(
      names = "--chat-id",
      description = "A group chat on the server given by --url with the app as a member.")
  String chatId;

  @Option(
      names = "--store",
      defaultValue = "sqlite",
      split = ",",
      description =
          "Stores to compare, each on a fresh embedded server: sqlite, or a postgresql://user@host:5432/db URL without a schema"
              + " (each run makes a schema okc_bench_<hex> and drops it afterwards) (default: ${DEFAULT-VALUE}).")
  List<String> stores;

  @Option(
      names = "--streams",
      defaultValue = "100",
      description =
          "Concurrent bot streams, one request in flight each (default: ${DEFAULT-VALUE}).")
  int streams;

  @Option(
      names = "--duration",
      defaultValue = "30s",
      converter = Main.DurationConverter.class,
      description = "Measured time per phase (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(
      names = "--warmup",
      defaultValue = "5s",
      converter = Main.DurationConverter.class,
      description = "Unmeasured time before each phase's measurement (default: ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(
      names = "--first-warmup",
      defaultValue = "0s",
      converter = Main.DurationConverter.class,
      description =
          "Before any measured phase, an unmeasured closed-loop update phase of this length on every store in turn, so that"
              + " each store's measured phases run in a JVM that has compiled every store's code path (default: ${DEFAULT-VALUE}).")
  Duration firstWarmup;

  @Option(
      names = "--chunk-chars",
      defaultValue = "4",
      description =
          "Characters appended per update, about one LLM token (default: ${DEFAULT-VALUE}).")
  int chunkChars;

  @Option(
      names = "--max-text",
      defaultValue = "2400",
      description =
          "When a card's text reaches this many characters, its stream closes streaming and starts a new card (default: ${DEFAULT-VALUE}, a p99 LLM answer).")
  int maxText;

  @Option(
      names = "--rate",
      defaultValue = "0",
      description =
          "Total requests/s spread over the streams on a fixed schedule, latency counted from the scheduled time; 0 = no pacing, each stream sends as soon as its last answer arrived (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--rate-steps",
      split = ",",
      description =
          "Knee search: one paced update phase per store at each of these total rates (updates/s), instead of the closed-loop update"
              + " phase and the no-op phases. The store that goes first alternates from step to step.")
  List<Double> rateSteps = new ArrayList<>();

  @Option(
      names = "--knee-p99",
      defaultValue = "25ms",
      converter = Main.DurationConverter.class,
      description =
          "With --rate-steps: a step is good when p99 ≤ this and ≥ 95 %% of the offered updates were acknowledged (default: ${DEFAULT-VALUE}, perf-anchors G2).")
  Duration kneeP99;

  @Option(
      names = "--noop",
      defaultValue = "bot-info,healthz",
      split = ",",
      description =
          "Reference phases after the update phase: bot-info (GET /open-apis/bot/v3/info, authenticated), healthz (GET /healthz), bare"
              + " (the same update calls to a bare Vert.x handler in a JVM of its own; --server process only), none (default: ${DEFAULT-VALUE}).")
  List<String> noops;

  @Option(
      names = "--server",
      defaultValue = "in-jvm",
      description =
          "in-jvm: the server runs in this JVM (store counters available); process: in a JVM of its own, as bin/opencardkit serve runs it"
              + " (--server-jar, --server-args, --server-java-opts, --server-cpus, --client-cpus) (default: ${DEFAULT-VALUE}).")
  String serverMode;

  @Option(
      names = "--reference-event-loops",
      defaultValue = "0",
      description =
          "Event loops of the bare handler; 0: as many as the server gets (--event-loops in --server-args, else its CPUs) (default: ${DEFAULT-VALUE}).")
  int referenceEventLoops;

  @Option(
      names = "--bare-goal",
      defaultValue = "0.35",
      description =
          "Goal: durable updates/s at least this share of the bare handler's requests/s (default: ${DEFAULT-VALUE}, issue 9).")
  double bareGoal;

  @Mixin ServerOptions serverOptions = new ServerOptions();

  @Mixin Placement placement = new Placement();

  @Option(
      names = "--client-threads",
      defaultValue = "1",
      description = "Event loops of the load generator (default: ${DEFAULT-VALUE}).")
  int clientThreads;

  @Option(
      names = "--fsync-probe",
      defaultValue = "2s",
      converter = Main.DurationConverter.class,
      description =
          "How long to measure write+fdatasync rate on the data directory's disk first; 0s to skip (default: ${DEFAULT-VALUE}).")
  Duration fsyncProbe;

  @Option(
      names = "--data-parent",
      description =
          "Where the embedded server's temp data directory goes (default: the system temp directory).")
  Path dataParent;

  @Option(
      names = "--fsync-dir",
      description = "Directory for the fsync probe with --url (default: none, probe skipped).")
  Path fsyncDir;

  @Option(
      names = "--keep-data",
      description = "Keep the embedded server's data directory (and a PostgreSQL store's schema).")
  boolean keepData;

  @Mixin NoisyRepeats noisy = new NoisyRepeats(-1);

  @Option(names = "--label", defaultValue = "", description = "A note for the result heading.")
  String label;

  private final CpuMeter cpu = new CpuMeter();
  private final PrintStream out = System.out;

  public static void main(String[] args) {
    System.exit(new CommandLine(new StreamingLoad()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    String invalid = invalidOptions();
    if (invalid != null) {
      System.err.println("streaming-load: " + invalid);
      return 2;
    }
    List<Phase.Kind> noopKinds = noopKinds();
    if (!inProcess()) {
      return runOn(null, noopKinds) == null ? 1 : 0;
    }
    List<Placement.Where> placements = placement.placements();
    List<Placed> reports = new ArrayList<>();
    for (Placement.Where where : placements) {
      where.pinSelf(placement.pinsClient());
      reports.add(runOn(where, noopKinds));
    }
    out.println();
    for (Placed p : reports) {
      out.println(p.report());
    }
    if (reports.size() > 1) {
      out.println(StreamingReport.scaling(this, reports));
    }
    return 0;
  }

  /** One placement's report and results, for the core-scaling comparison. */
  record Placed(Placement.Where where, String report, List<Result> results) {}

  /** Whether the server runs in a process of its own. */
  boolean inProcess() {
    return serverMode.equals("process");
  }

  /**
   * Starts the servers (in this JVM, or in processes placed as {@code where} says), runs the phases
   * and prints the report when in this JVM; returns it with the results.
   */
  private Placed runOn(Placement.Where where, List<Phase.Kind> noopKinds) throws Exception {
    String loadBefore = loadAverage();
    List<Loaded> runs = new ArrayList<>();
    Loaded bare = null;
    try {
      for (String store : url == null ? stores : List.of("remote")) {
        Target target =
            url != null
                ? Target.remote(url, appId, appSecret, chatId)
                : where != null
                    ? Target.process(
                        serverOptions,
                        where.childCpus(),
                        dataParentOrTemp(),
                        keepData,
                        store.trim())
                    : Target.embedded(dataParentOrTemp(), keepData, store.trim());
        runs.add(new Loaded(target));
        log("server: " + target.describe());
      }
      if (noopKinds.contains(Phase.Kind.BARE)) {
        int loops =
            referenceEventLoops > 0
                ? referenceEventLoops
                : serverOptions.referenceEventLoops(where.serverCpus());
        bare = new Loaded(Target.bare(serverOptions, where.childCpus(), dataParentOrTemp(), loops));
        log("reference: " + bare.target.describe());
      }
      FsyncProbe.Result fsync = probeFsync(runs.get(0).target);
      Vertx vertx =
          Vertx.vertx(new VertxOptions().setEventLoopPoolSize(clientThreads).setWorkerPoolSize(1));
      try {
        List<Context> contexts = eventLoopContexts(vertx);
        for (Loaded run : runs) {
          run.connect(vertx, contexts);
        }
        if (bare != null) {
          bare.connect(vertx, contexts);
        }
        all = new ArrayList<>(runs);
        if (bare != null) {
          all.add(bare);
        }
        for (Loaded run : runs) {
          warmUp(run);
        }
        List<Result> results =
            rateSteps.isEmpty() ? closedLoopOrPaced(runs, bare, noopKinds) : kneeSearch(runs);
        Run run =
            new Run(
                this,
                runs.get(0).target,
                fsync,
                verify(runs),
                loadBefore,
                loadAverage(),
                where,
                bare == null ? "" : bare.target.describe());
        String report =
            rateSteps.isEmpty()
                ? new StreamingReport(run, results).markdown()
                : new KneeReport(run, results).markdown();
        if (where == null) {
          out.println();
          out.println(report);
        }
        for (Loaded l : all) {
          l.client.close().await();
        }
        return new Placed(where, report, results);
      } finally {
        vertx.close().await();
      }
    } finally {
      for (Loaded run : runs) {
        run.target.close();
      }
      if (bare != null) {
        bare.target.close();
      }
    }
  }

  /** Every server and reference of the current placement, for the CPU readings of the processes. */
  private List<Loaded> all = List.of();

  private String invalidOptions() {
    if (streams < 1
        || chunkChars < 1
        || maxText < chunkChars
        || clientThreads < 1
        || duration.isZero()
        || warmup.isNegative()) {
      return "--streams, --chunk-chars, --client-threads must be ≥ 1, --max-text ≥ --chunk-chars, --duration > 0";
    }
    if (url != null && (appId == null || appSecret == null || chatId == null)) {
      return "--url needs --app-id, --app-secret and --chat-id";
    }
    if (url != null && !stores.equals(List.of("sqlite"))) {
      return "--store chooses the embedded server's store; it does not go with --url";
    }
    if (!rateSteps.isEmpty() && rate > 0) {
      return "--rate and --rate-steps do not go together";
    }
    if (rateSteps.stream().anyMatch(r -> r <= 0)) {
      return "--rate-steps must all be > 0";
    }
    if (!serverMode.equals("in-jvm") && !serverMode.equals("process")) {
      return "--server takes in-jvm or process";
    }
    if (!inProcess()
        && (noops.stream().anyMatch(n -> n.trim().equals("bare"))
            || !placement.placements().equals(List.of(new Placement.Where(null, null))))) {
      return "--noop bare, --server-cpus and --client-cpus need --server process";
    }
    if (inProcess() && url != null) {
      return "--server process starts the server; it does not go with --url";
    }
    return null;
  }

  private List<Phase.Kind> noopKinds() {
    List<Phase.Kind> kinds = new ArrayList<>();
    for (String n : noops) {
      switch (n.trim()) {
        case "bot-info":
          kinds.add(Phase.Kind.BOT_INFO);
          break;
        case "healthz":
          kinds.add(Phase.Kind.HEALTHZ);
          break;
        case "bare":
          kinds.add(Phase.Kind.BARE);
          break;
        case "none":
          break;
        default:
          throw new CommandLine.ParameterException(
              new CommandLine(this), "--noop takes bot-info, healthz, bare or none, not " + n);
      }
    }
    return kinds;
  }

  private Path dataParentOrTemp() {
    return dataParent != null ? dataParent : Path.of(System.getProperty("java.io.tmpdir"));
  }

  private FsyncProbe.Result probeFsync(Target first) {
    Path probeDir = first.dataDir != null ? first.dataDir : fsyncDir;
    if (fsyncProbe.isZero() || probeDir == null) {
      return null;
    }
    log("fsync probe on " + probeDir + " for " + fsyncProbe.toSeconds() + " s");
    try {
      Files.createDirectories(probeDir);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return FsyncProbe.run(probeDir, fsyncProbe);
  }

  /** One store's server with the streams that load it. */
  final class Loaded {
    final Target target;
    HttpClientAgent client;
    final List<BotStream> bots = new ArrayList<>();

    Loaded(Target target) {
      this.target = target;
    }

    void connect(Vertx vertx, List<Context> contexts) {
      client =
          vertx.createHttpClient(
              new HttpClientOptions()
                  .setKeepAlive(true)
                  .setPipelining(false)
                  .setTcpNoDelay(true)
                  .setDefaultHost(target.host)
                  .setDefaultPort(target.port),
              new PoolOptions().setHttp1MaxSize(streams).setMaxWaitQueueSize(-1));
      String token =
          target.isBare()
              ? "bare"
              : BotStream.tenantToken(
                  client, target.appId, target.appSecret); // the bare handler reads no token
      BotStream.Shared shared =
          new BotStream.Shared(
              vertx,
              client,
              target.host,
              target.port,
              "Bearer " + token,
              TextCorpus.generate(256 * 1024),
              chunkChars,
              maxText,
              cpu,
              BotStream.VersionObserver.NONE);
      for (int i = 0; i < streams; i++) {
        bots.add(
            new BotStream(shared, i, streams, contexts.get(i % contexts.size()), target.chatId));
      }
    }

    String store() {
      return target.storeName();
    }
  }

  private List<Result> closedLoopOrPaced(List<Loaded> runs, Loaded bare, List<Phase.Kind> noopKinds)
      throws InterruptedException {
    List<Result> results = new ArrayList<>();
    for (Loaded run : runs) {
      results.add(runPhase(Phase.Kind.UPDATES, run, rate));
    }
    for (Phase.Kind kind : noopKinds) {
      // the no-ops do not touch the store: one server is enough; the bare handler gets the same
      // update calls
      results.add(runPhase(kind, kind == Phase.Kind.BARE ? bare : runs.get(0), rate));
    }
    return results;
  }

  /**
   * One paced update phase per store at each rate. The store that goes first alternates from step
   * to step, so that neither store always runs right after the other's heaviest step (or always on
   * a fresher machine).
   */
  private List<Result> kneeSearch(List<Loaded> runs) throws InterruptedException {
    List<Result> results = new ArrayList<>();
    for (int step = 0; step < rateSteps.size(); step++) {
      List<Loaded> order = new ArrayList<>(runs);
      if (step % 2 == 1) {
        Collections.reverse(order);
      }
      for (Loaded run : order) {
        results.add(runPhase(Phase.Kind.UPDATES, run, rateSteps.get(step)));
      }
    }
    return results;
  }

  /**
   * How the run was made and what was checked at its end, for the reports.
   *
   * @param where the placement of the server's process, or null when the server runs in this JVM
   *     (or remote)
   * @param reference the bare handler's description, or ""
   */
  record Run(
      StreamingLoad options,
      Target firstTarget,
      FsyncProbe.Result fsync,
      List<Verification> verifications,
      String loadBefore,
      String loadAfter,
      Placement.Where where,
      String reference) {}

  /**
   * What one phase measured, on which store.
   *
   * @param cpu this JVM's CPU (the load generator, and the server when it runs here)
   * @param target the process the phase loaded (the server, or the bare handler in its phase); NONE
   *     in this JVM
   * @param processesCores cores of every process this run started (servers and reference), in the
   *     window
   */
  record Result(
      String store,
      Phase phase,
      Phase.Stats stats,
      CpuMeter.Usage cpu,
      ServerProcess.Usage target,
      double processesCores,
      long commits,
      long batches,
      int streams,
      List<Double> discardedNoise) {
    double perSecond() {
      return stats.acked / phase.measureSeconds();
    }

    /** Whether the server ran in a process of its own. */
    boolean inProcess() {
      return !ServerProcess.Usage.NONE.equals(target);
    }

    /**
     * Cores other processes of the machine used (not this JVM, PostgreSQL or the processes this run
     * started).
     */
    double otherCores() {
      return Math.max(0, cpu.otherProcessesCores() - processesCores);
    }

    /**
     * Cores the server (or the bare handler) used: its process, or all of this JVM but the load
     * generator's threads.
     */
    double serverCores() {
      return inProcess() ? target.cores() : cpu.serverSeconds() / cpu.wallSeconds();
    }

    /** Cores of the load generator: this whole JVM when the server runs elsewhere. */
    double loadGeneratorCores() {
      return inProcess() ? cpu.processCores() : cpu.cores(CpuMeter.CLIENT);
    }

    /** Cores of the store's group-commit writer thread. */
    double writerCores() {
      return inProcess()
          ? target.cpu().cores(io.opencardkit.bench.process.ThreadCpu.WRITER)
          : cpu.cores(CpuMeter.WRITER);
    }

    /**
     * "collections / ms paused" of the server's JVM in the window ("pauses / ms / longest ms" from
     * its GC log in a process).
     */
    String gcPauses() {
      return inProcess() ? target.gc().describe() : cpu.gcCount() + " / " + cpu.gcMillis();
    }

    /** Updates/s the schedule offered; 0 for a closed loop. */
    double offeredPerSecond() {
      return phase.offeredRate(streams);
    }
  }

  /** An unmeasured closed-loop update phase of --first-warmup on {@code run}'s server. */
  private void warmUp(Loaded run) throws InterruptedException {
    if (firstWarmup.isZero()) {
      return;
    }
    log(
        "warm-up on "
            + run.store()
            + ": "
            + firstWarmup.toSeconds()
            + " s closed loop, not measured");
    Phase phase =
        new Phase(
            Phase.Kind.UPDATES,
            System.nanoTime() + 100_000_000L,
            firstWarmup.toNanos(),
            0,
            streams);
    for (BotStream bot : run.bots) {
      bot.run(phase);
    }
    if (!phase.awaitStopped(firstWarmup.toSeconds() + 60)) {
      throw new IllegalStateException(
          "streams did not stop within 60 s after the warm-up on " + run.store());
    }
  }

  /**
   * Runs a phase until other processes of the machine stayed at or below --noisy-above cores during
   * its window (see {@link NoisyRepeats}).
   */
  private Result runPhase(Phase.Kind kind, Loaded run, double totalRate)
      throws InterruptedException {
    return noisy.untilQuiet(
        discarded -> runPhaseOnce(kind, run, totalRate, discarded),
        Result::otherCores,
        "the phase");
  }

  private Result runPhaseOnce(Phase.Kind kind, Loaded run, double totalRate, List<Double> discarded)
      throws InterruptedException {
    System.gc(); // start each phase from a similar heap, outside the measured window
    long start = System.nanoTime() + 100_000_000L;
    Phase phase = new Phase(kind, start, warmup.toNanos(), duration.toNanos(), streams, totalRate);
    log(
        "phase "
            + kind
            + " on "
            + run.store()
            + (totalRate > 0 ? String.format(Locale.ROOT, " at %,.0f/s", totalRate) : "")
            + ": "
            + warmup.toSeconds()
            + " s warm-up, then "
            + duration.toSeconds()
            + " s measured");
    for (BotStream bot : run.bots) {
      bot.run(phase);
    }
    Phase.sleepUntil(phase.measureStartNanos);
    CpuMeter.Snapshot cpuBefore = cpu.snapshot();
    List<ServerProcess.Reading> processesBefore = readProcesses();
    long[] storeBefore = storeCounters(run.target);
    Phase.sleepUntil(phase.endNanos);
    CpuMeter.Snapshot cpuAfter = cpu.snapshot();
    List<ServerProcess.Reading> processesAfter = readProcesses();
    long[] storeAfter = storeCounters(run.target);
    if (!phase.awaitStopped(60)) {
      throw new IllegalStateException(
          "streams did not stop within 60 s after the end of phase " + kind);
    }
    Phase.Stats stats = phase.merged();
    log(
        String.format(
            Locale.ROOT,
            "phase %s on %s: %,.0f acknowledged/s, p50 %.2f ms, p99 %.2f ms, %d errors",
            kind,
            run.store(),
            stats.acked / phase.measureSeconds(),
            ms(stats.latencyMicros, 50),
            ms(stats.latencyMicros, 99),
            stats.errorCount()));
    boolean counted = storeBefore[0] >= 0;
    ServerProcess.Usage target = ServerProcess.Usage.NONE;
    double processesCores = 0;
    List<Loaded> started = processes();
    for (int i = 0; i < started.size(); i++) {
      ServerProcess.Usage usage =
          started.get(i).target.process.between(processesBefore.get(i), processesAfter.get(i));
      processesCores += usage.cores();
      if (started.get(i) == run) {
        target = usage;
      }
    }
    return new Result(
        run.store(),
        phase,
        stats,
        cpu.between(cpuBefore, cpuAfter),
        target,
        processesCores,
        counted ? storeAfter[0] - storeBefore[0] : -1,
        counted ? storeAfter[1] - storeBefore[1] : -1,
        streams,
        discarded);
  }

  /** The servers and the reference that run in processes of their own. */
  private List<Loaded> processes() {
    List<Loaded> started = new ArrayList<>();
    for (Loaded l : all) {
      if (l.target.isProcess()) {
        started.add(l);
      }
    }
    return started;
  }

  private List<ServerProcess.Reading> readProcesses() {
    List<ServerProcess.Reading> readings = new ArrayList<>();
    for (Loaded l : processes()) {
      readings.add(l.target.process.read());
    }
    return readings;
  }

  private static long[] storeCounters(Target target) {
    return target
        .sqlStore()
        .map(s -> new long[] {s.commitsCount(), s.batchesCount()})
        .orElse(new long[] {-1, -1});
  }

  /**
   * Checks, on an embedded server, that each stream's current card holds exactly the text it
   * acknowledged.
   */
  record Verification(String store, int checked, int mismatched) {}

  private static List<Verification> verify(List<Loaded> runs) {
    List<Verification> all = new ArrayList<>();
    for (Loaded run : runs) {
      all.add(verify(run));
    }
    return all;
  }

  private static Verification verify(Loaded run) {
    if (!run.target.canCheckText()) {
      return new Verification(run.store(), 0, 0);
    }
    int checked = 0;
    int mismatched = 0;
    for (BotStream bot : run.bots) {
      if (bot.cardId() == null) {
        continue;
      }
      checked++;
      String stored = run.target.serverText(bot.cardId(), BotStream.ELEMENT_ID).orElse(null);
      if (!bot.acknowledgedText().equals(stored)) {
        mismatched++;
      }
    }
    return new Verification(run.store(), checked, mismatched);
  }

  /** One context per client event loop, so that streams spread over them. */
  private List<Context> eventLoopContexts(Vertx vertx) {
    List<Context> contexts = new CopyOnWriteArrayList<>();
    vertx
        .deployVerticle(
            () ->
                new Deployable() {
                  @Override
                  public Future<?> deploy(Context context) {
                    contexts.add(context);
                    return Future.succeededFuture();
                  }
                },
            new DeploymentOptions().setInstances(clientThreads))
        .await();
    return contexts;
  }

  /** A percentile of a histogram of microseconds, in milliseconds (NaN when empty). */
  public static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
  }

  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }

  private static void log(String line) {
    System.err.println(
        ZonedDateTime.now(ZoneId.systemDefault()).format(DateTimeFormatter.ISO_LOCAL_TIME)
            + " "
            + line);
  }
}
