package io.opencardkit.bench;

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
 * Load benchmark: how many full-text streaming updates per second the server acknowledges durably, at what latency,
 * compared with a no-op endpoint of the same server in the same run; on one store or on several side by side (each
 * on a fresh embedded server), closed loop or stepping through offered rates to find the knee. Prints a Markdown
 * block for docs/benchmarks.md.
 */
@Command(
    name = "streaming-load",
    mixinStandardHelpOptions = true,
    description = {
      "Measures acknowledged (durable) full-text streaming updates per second and their latency with N concurrent",
      "closed-loop bot streams, then the same streams against a no-op endpoint of the same server in the same run.",
      "With --store sqlite,postgresql://… each store gets a fresh embedded server and its own update phase;",
      "with --rate-steps the update phases step through offered rates (open loop) and the knee is reported."
    })
public final class StreamingLoad implements Callable<Integer> {
  @Option(names = "--url", description = "An existing server (http://host:port). Default: start one in this JVM on a temp data directory.")
  String url;

  @Option(names = "--app-id", description = "App id on the server given by --url.")
  String appId;

  @Option(names = "--app-secret", description = "App secret on the server given by --url.")
  String appSecret;

  @Option(names = "--chat-id", description = "A group chat on the server given by --url with the app as a member.")
  String chatId;

  @Option(names = "--store", defaultValue = "sqlite", split = ",",
      description = "Stores to compare, each on a fresh embedded server: sqlite, or a postgresql://user@host:5432/db URL without a schema"
          + " (each run makes a schema okc_bench_<hex> and drops it afterwards) (default: ${DEFAULT-VALUE}).")
  List<String> stores;

  @Option(names = "--streams", defaultValue = "100", description = "Concurrent bot streams, one request in flight each (default: ${DEFAULT-VALUE}).")
  int streams;

  @Option(names = "--duration", defaultValue = "30s", converter = Main.DurationConverter.class, description = "Measured time per phase (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--warmup", defaultValue = "5s", converter = Main.DurationConverter.class, description = "Unmeasured time before each phase's measurement (default: ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(names = "--first-warmup", defaultValue = "0s", converter = Main.DurationConverter.class,
      description = "Before any measured phase, an unmeasured closed-loop update phase of this length on every store in turn, so that"
          + " each store's measured phases run in a JVM that has compiled every store's code path (default: ${DEFAULT-VALUE}).")
  Duration firstWarmup;

  @Option(names = "--chunk-chars", defaultValue = "4", description = "Characters appended per update, about one LLM token (default: ${DEFAULT-VALUE}).")
  int chunkChars;

  @Option(names = "--max-text", defaultValue = "2400",
      description = "When a card's text reaches this many characters, its stream closes streaming and starts a new card (default: ${DEFAULT-VALUE}, a p99 LLM answer).")
  int maxText;

  @Option(names = "--rate", defaultValue = "0",
      description = "Total requests/s spread over the streams on a fixed schedule, latency counted from the scheduled time; 0 = no pacing, each stream sends as soon as its last answer arrived (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--rate-steps", split = ",",
      description = "Knee search: one paced update phase per store at each of these total rates (updates/s), instead of the closed-loop update"
          + " phase and the no-op phases. The store that goes first alternates from step to step.")
  List<Double> rateSteps = new ArrayList<>();

  @Option(names = "--knee-p99", defaultValue = "25ms", converter = Main.DurationConverter.class,
      description = "With --rate-steps: a step is good when p99 ≤ this and ≥ 95 %% of the offered updates were acknowledged (default: ${DEFAULT-VALUE}, perf-anchors G2).")
  Duration kneeP99;

  @Option(names = "--noop", defaultValue = "bot-info,healthz", split = ",",
      description = "No-op phases after the update phase: bot-info (GET /open-apis/bot/v3/info, authenticated), healthz (GET /healthz), none (default: ${DEFAULT-VALUE}).")
  List<String> noops;

  @Option(names = "--client-threads", defaultValue = "1", description = "Event loops of the load generator (default: ${DEFAULT-VALUE}).")
  int clientThreads;

  @Option(names = "--fsync-probe", defaultValue = "2s", converter = Main.DurationConverter.class,
      description = "How long to measure write+fdatasync rate on the data directory's disk first; 0s to skip (default: ${DEFAULT-VALUE}).")
  Duration fsyncProbe;

  @Option(names = "--data-parent", description = "Where the embedded server's temp data directory goes (default: the system temp directory).")
  Path dataParent;

  @Option(names = "--fsync-dir", description = "Directory for the fsync probe with --url (default: none, probe skipped).")
  Path fsyncDir;

  @Option(names = "--keep-data", description = "Keep the embedded server's data directory (and a PostgreSQL store's schema).")
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
    String loadBefore = loadAverage();
    List<Loaded> runs = new ArrayList<>();
    try {
      for (String store : url == null ? stores : List.of("remote")) {
        Target target = url == null ? Target.embedded(dataParentOrTemp(), keepData, store.trim()) : Target.remote(url, appId, appSecret, chatId);
        runs.add(new Loaded(target));
        log("server: " + target.describe());
      }
      FsyncProbe.Result fsync = probeFsync(runs.get(0).target);
      Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(clientThreads).setWorkerPoolSize(1));
      try {
        List<Context> contexts = eventLoopContexts(vertx);
        for (Loaded run : runs) {
          run.connect(vertx, contexts);
        }
        for (Loaded run : runs) {
          warmUp(run);
        }
        String report = rateSteps.isEmpty() ? closedLoopOrPaced(runs, noopKinds, fsync, loadBefore) : kneeSearch(runs, fsync, loadBefore);
        out.println();
        out.println(report);
        for (Loaded run : runs) {
          run.client.close().await();
        }
      } finally {
        vertx.close().await();
      }
    } finally {
      for (Loaded run : runs) {
        run.target.close();
      }
    }
    return 0;
  }

  private String invalidOptions() {
    if (streams < 1 || chunkChars < 1 || maxText < chunkChars || clientThreads < 1 || duration.isZero() || warmup.isNegative()) {
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
    return null;
  }

  private List<Phase.Kind> noopKinds() {
    List<Phase.Kind> kinds = new ArrayList<>();
    for (String n : noops) {
      switch (n.trim()) {
        case "bot-info": kinds.add(Phase.Kind.BOT_INFO); break;
        case "healthz": kinds.add(Phase.Kind.HEALTHZ); break;
        case "none": break;
        default: throw new CommandLine.ParameterException(new CommandLine(this), "--noop takes bot-info, healthz or none, not " + n);
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
      client = vertx.createHttpClient(
          new HttpClientOptions().setKeepAlive(true).setPipelining(false).setTcpNoDelay(true).setDefaultHost(target.host).setDefaultPort(target.port),
          new PoolOptions().setHttp1MaxSize(streams).setMaxWaitQueueSize(-1));
      BotStream.Shared shared = new BotStream.Shared(vertx, client, target.host, target.port, "Bearer " + BotStream.tenantToken(client, target.appId, target.appSecret),
          TextCorpus.generate(256 * 1024), chunkChars, maxText, cpu, BotStream.VersionObserver.NONE);
      for (int i = 0; i < streams; i++) {
        bots.add(new BotStream(shared, i, streams, contexts.get(i % contexts.size()), target.chatId));
      }
    }

    String store() {
      return target.storeName();
    }
  }

  private String closedLoopOrPaced(List<Loaded> runs, List<Phase.Kind> noopKinds, FsyncProbe.Result fsync, String loadBefore)
      throws InterruptedException {
    List<Result> results = new ArrayList<>();
    for (Loaded run : runs) {
      results.add(runPhase(Phase.Kind.UPDATES, run, rate));
    }
    for (Phase.Kind kind : noopKinds) {
      results.add(runPhase(kind, runs.get(0), rate)); // the no-op does not touch the store: one server is enough
    }
    return new StreamingReport(new Run(this, runs.get(0).target, fsync, verify(runs), loadBefore, loadAverage()), results).markdown();
  }

  /**
   * One paced update phase per store at each rate. The store that goes first alternates from step to step, so
   * that neither store always runs right after the other's heaviest step (or always on a fresher machine).
   */
  private String kneeSearch(List<Loaded> runs, FsyncProbe.Result fsync, String loadBefore) throws InterruptedException {
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
    return new KneeReport(new Run(this, runs.get(0).target, fsync, verify(runs), loadBefore, loadAverage()), results).markdown();
  }

  /** How the run was made and what was checked at its end, for the reports. */
  record Run(StreamingLoad options, Target firstTarget, FsyncProbe.Result fsync, List<Verification> verifications, String loadBefore,
      String loadAfter) {}

  /** What one phase measured, on which store. */
  record Result(String store, Phase phase, Phase.Stats stats, CpuMeter.Usage cpu, long commits, long batches, int streams,
      List<Double> discardedNoise) {
    double perSecond() {
      return stats.acked / phase.measureSeconds();
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
    log("warm-up on " + run.store() + ": " + firstWarmup.toSeconds() + " s closed loop, not measured");
    Phase phase = new Phase(Phase.Kind.UPDATES, System.nanoTime() + 100_000_000L, firstWarmup.toNanos(), 0, streams);
    for (BotStream bot : run.bots) {
      bot.run(phase);
    }
    if (!phase.awaitStopped(firstWarmup.toSeconds() + 60)) {
      throw new IllegalStateException("streams did not stop within 60 s after the warm-up on " + run.store());
    }
  }

  /**
   * Runs a phase until other processes of the machine stayed at or below --noisy-above cores during its window (see
   * {@link NoisyRepeats}).
   */
  private Result runPhase(Phase.Kind kind, Loaded run, double totalRate) throws InterruptedException {
    return noisy.untilQuiet(discarded -> runPhaseOnce(kind, run, totalRate, discarded), r -> r.cpu().otherProcessesCores(), "the phase");
  }

  private Result runPhaseOnce(Phase.Kind kind, Loaded run, double totalRate, List<Double> discarded) throws InterruptedException {
    System.gc(); // start each phase from a similar heap, outside the measured window
    long start = System.nanoTime() + 100_000_000L;
    Phase phase = new Phase(kind, start, warmup.toNanos(), duration.toNanos(), streams, totalRate);
    log("phase " + kind + " on " + run.store() + (totalRate > 0 ? String.format(Locale.ROOT, " at %,.0f/s", totalRate) : "") + ": "
        + warmup.toSeconds() + " s warm-up, then " + duration.toSeconds() + " s measured");
    for (BotStream bot : run.bots) {
      bot.run(phase);
    }
    Phase.sleepUntil(phase.measureStartNanos);
    CpuMeter.Snapshot cpuBefore = cpu.snapshot();
    long[] storeBefore = storeCounters(run.target);
    Phase.sleepUntil(phase.endNanos);
    CpuMeter.Snapshot cpuAfter = cpu.snapshot();
    long[] storeAfter = storeCounters(run.target);
    if (!phase.awaitStopped(60)) {
      throw new IllegalStateException("streams did not stop within 60 s after the end of phase " + kind);
    }
    Phase.Stats stats = phase.merged();
    log(String.format(Locale.ROOT, "phase %s on %s: %,.0f acknowledged/s, p50 %.2f ms, p99 %.2f ms, %d errors",
        kind, run.store(), stats.acked / phase.measureSeconds(), ms(stats.latencyMicros, 50), ms(stats.latencyMicros, 99), stats.errorCount()));
    boolean counted = storeBefore[0] >= 0;
    return new Result(run.store(), phase, stats, cpu.between(cpuBefore, cpuAfter),
        counted ? storeAfter[0] - storeBefore[0] : -1, counted ? storeAfter[1] - storeBefore[1] : -1, streams, discarded);
  }

  private static long[] storeCounters(Target target) {
    return target.sqlStore().map(s -> new long[] {s.commitsCount(), s.batchesCount()}).orElse(new long[] {-1, -1});
  }

  /** Checks, on an embedded server, that each stream's current card holds exactly the text it acknowledged. */
  record Verification(String store, int checked, int mismatched) {}

  private static List<Verification> verify(List<Loaded> runs) {
    List<Verification> all = new ArrayList<>();
    for (Loaded run : runs) {
      all.add(verify(run));
    }
    return all;
  }

  private static Verification verify(Loaded run) {
    if (!run.target.isEmbedded()) {
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
    vertx.deployVerticle(() -> new Deployable() {
      @Override
      public Future<?> deploy(Context context) {
        contexts.add(context);
        return Future.succeededFuture();
      }
    }, new DeploymentOptions().setInstances(clientThreads)).await();
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
    System.err.println(ZonedDateTime.now().format(DateTimeFormatter.ISO_LOCAL_TIME) + " " + line);
  }
}
