package io.opencardkit.bench;

import io.opencardkit.server.Main;
import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.core.Json;
import io.opencardkit.store.sqlite.SqliteCardStore;
import io.vertx.core.Context;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Load benchmark: how many full-text streaming updates per second the server acknowledges durably, at what latency,
 * compared with a no-op endpoint of the same server in the same run. Prints a Markdown block for
 * docs/benchmarks.md.
 */
@Command(
    name = "streaming-load",
    mixinStandardHelpOptions = true,
    description = {
      "Measures acknowledged (durable) full-text streaming updates per second and their latency with N concurrent",
      "closed-loop bot streams, then the same streams against a no-op endpoint of the same server in the same run."
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

  @Option(names = "--streams", defaultValue = "100", description = "Concurrent bot streams, one request in flight each (default: ${DEFAULT-VALUE}).")
  int streams;

  @Option(names = "--duration", defaultValue = "30s", converter = Main.DurationConverter.class, description = "Measured time per phase (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--warmup", defaultValue = "5s", converter = Main.DurationConverter.class, description = "Unmeasured time before each phase's measurement (default: ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(names = "--chunk-chars", defaultValue = "4", description = "Characters appended per update, about one LLM token (default: ${DEFAULT-VALUE}).")
  int chunkChars;

  @Option(names = "--max-text", defaultValue = "2400",
      description = "When a card's text reaches this many characters, its stream closes streaming and starts a new card (default: ${DEFAULT-VALUE}, a p99 LLM answer).")
  int maxText;

  @Option(names = "--rate", defaultValue = "0",
      description = "Total requests/s spread over the streams on a fixed schedule, latency counted from the scheduled time; 0 = no pacing, each stream sends as soon as its last answer arrived (default: ${DEFAULT-VALUE}).")
  double rate;

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

  @Option(names = "--keep-data", description = "Keep the embedded server's data directory.")
  boolean keepData;

  @Option(names = "--label", defaultValue = "", description = "A note for the result heading.")
  String label;

  private final CpuMeter cpu = new CpuMeter();
  private final PrintStream out = System.out;

  public static void main(String[] args) {
    System.exit(new CommandLine(new StreamingLoad()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (streams < 1 || chunkChars < 1 || maxText < chunkChars || clientThreads < 1 || duration.isZero() || warmup.isNegative()) {
      System.err.println("streaming-load: --streams, --chunk-chars, --client-threads must be ≥ 1, --max-text ≥ --chunk-chars, --duration > 0");
      return 2;
    }
    List<Phase.Kind> noopKinds = new ArrayList<>();
    for (String n : noops) {
      switch (n.trim()) {
        case "bot-info": noopKinds.add(Phase.Kind.BOT_INFO); break;
        case "healthz": noopKinds.add(Phase.Kind.HEALTHZ); break;
        case "none": break;
        default:
          System.err.println("streaming-load: --noop takes bot-info, healthz or none, not " + n);
          return 2;
      }
    }
    if (url != null && (appId == null || appSecret == null || chatId == null)) {
      System.err.println("streaming-load: --url needs --app-id, --app-secret and --chat-id");
      return 2;
    }
    String loadBefore = loadAverage();
    Path parent = dataParent != null ? dataParent : Path.of(System.getProperty("java.io.tmpdir"));
    try (Target target = url == null ? Target.embedded(parent, keepData) : Target.remote(url, appId, appSecret, chatId)) {
      log("server: " + target.describe());
      FsyncProbe.Result fsync = null;
      Path probeDir = target.dataDir != null ? target.dataDir : fsyncDir;
      if (!fsyncProbe.isZero() && probeDir != null) {
        log("fsync probe on " + probeDir + " for " + fsyncProbe.toSeconds() + " s");
        fsync = FsyncProbe.run(probeDir, fsyncProbe);
      }
      Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(clientThreads).setWorkerPoolSize(1));
      try {
        HttpClientAgent client = vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true).setPipelining(false).setTcpNoDelay(true).setDefaultHost(target.host).setDefaultPort(target.port),
            new PoolOptions().setHttp1MaxSize(streams).setMaxWaitQueueSize(-1));
        String token = token(client, target);
        long intervalNanos = rate > 0 ? (long) (streams * 1e9 / rate) : 0;
        BotStream.Shared shared = new BotStream.Shared(vertx, client, target.host, target.port, "Bearer " + token, target.chatId,
            TextCorpus.generate(256 * 1024), chunkChars, maxText, intervalNanos, cpu);
        List<Context> contexts = eventLoopContexts(vertx);
        List<BotStream> bots = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
          bots.add(new BotStream(shared, i, streams, contexts.get(i % contexts.size())));
        }
        List<Result> results = new ArrayList<>();
        results.add(runPhase(Phase.Kind.UPDATES, bots, target));
        for (Phase.Kind kind : noopKinds) {
          results.add(runPhase(kind, bots, target));
        }
        Verification verification = verify(bots, target);
        String report = new Report(this, target, fsync, results, verification, loadBefore, loadAverage()).markdown();
        out.println();
        out.println(report);
        client.close().await();
      } finally {
        vertx.close().await();
      }
    }
    return 0;
  }

  /** What one phase measured. */
  record Result(Phase phase, Phase.Stats stats, CpuMeter.Usage cpu, long commits, long batches) {
    double perSecond() {
      return stats.acked / phase.measureSeconds();
    }
  }

  private Result runPhase(Phase.Kind kind, List<BotStream> bots, Target target) throws InterruptedException {
    System.gc(); // start each phase from a similar heap, outside the measured window
    long start = System.nanoTime() + 100_000_000L;
    Phase phase = new Phase(kind, start, warmup.toNanos(), duration.toNanos(), bots.size());
    log("phase " + kind + ": " + warmup.toSeconds() + " s warm-up, then " + duration.toSeconds() + " s measured");
    for (BotStream bot : bots) {
      bot.run(phase);
    }
    sleepUntil(phase.measureStartNanos);
    CpuMeter.Snapshot cpuBefore = cpu.snapshot();
    long[] storeBefore = storeCounters(target);
    sleepUntil(phase.endNanos);
    CpuMeter.Snapshot cpuAfter = cpu.snapshot();
    long[] storeAfter = storeCounters(target);
    if (!phase.awaitStopped(60)) {
      throw new IllegalStateException("streams did not stop within 60 s after the end of phase " + kind);
    }
    Phase.Stats stats = phase.merged();
    log(String.format(Locale.ROOT, "phase %s: %,.0f acknowledged/s, p50 %.2f ms, p99 %.2f ms, %d errors",
        kind, stats.acked / phase.measureSeconds(), ms(stats.latencyMicros, 50), ms(stats.latencyMicros, 99), stats.errorCount()));
    boolean counted = storeBefore[0] >= 0;
    return new Result(phase, stats, cpu.between(cpuBefore, cpuAfter),
        counted ? storeAfter[0] - storeBefore[0] : -1, counted ? storeAfter[1] - storeBefore[1] : -1);
  }

  private static long[] storeCounters(Target target) {
    return target.sqliteStore().map(s -> new long[] {s.commitsCount(), s.batchesCount()}).orElse(new long[] {-1, -1});
  }

  /** Checks, on the embedded server, that each stream's current card holds exactly the text it acknowledged. */
  record Verification(int checked, int mismatched) {}

  private static Verification verify(List<BotStream> bots, Target target) {
    if (!target.isEmbedded()) {
      return new Verification(0, 0);
    }
    int checked = 0;
    int mismatched = 0;
    for (BotStream bot : bots) {
      if (bot.cardId() == null) {
        continue;
      }
      checked++;
      String stored = target.serverText(bot.cardId(), BotStream.ELEMENT_ID).orElse(null);
      if (!bot.acknowledgedText().equals(stored)) {
        mismatched++;
      }
    }
    return new Verification(checked, mismatched);
  }

  private String token(HttpClientAgent client, Target target) {
    String body = "{\"app_id\":\"" + target.appId + "\",\"app_secret\":\"" + target.appSecret + "\"}";
    Buffer answer = client
        .request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/open-apis/auth/v3/tenant_access_token/internal")
            .putHeader("Content-Type", "application/json; charset=utf-8"))
        .compose(req -> req.send(body))
        .compose(resp -> resp.body())
        .await();
    JsonNode json = Json.parseOrNull(answer.toString(StandardCharsets.UTF_8));
    if (json == null || json.path("code").asInt(-1) != 0) {
      throw new IllegalStateException("no tenant_access_token: " + answer);
    }
    return json.path("tenant_access_token").asText();
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

  private static void sleepUntil(long nanos) throws InterruptedException {
    long left;
    while ((left = nanos - System.nanoTime()) > 0) {
      Thread.sleep(Math.max(1, left / 1_000_000), (int) (left % 1_000_000));
    }
  }

  static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
  }

  private static String loadAverage() {
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

  /** The Markdown result block. */
  private static final class Report {
    private final StreamingLoad o;
    private final Target target;
    private final FsyncProbe.Result fsync;
    private final List<Result> results;
    private final Verification verification;
    private final String loadBefore;
    private final String loadAfter;
    private final StringBuilder b = new StringBuilder();

    Report(StreamingLoad o, Target target, FsyncProbe.Result fsync, List<Result> results, Verification verification, String loadBefore, String loadAfter) {
      this.o = o;
      this.target = target;
      this.fsync = fsync;
      this.results = results;
      this.verification = verification;
      this.loadBefore = loadBefore;
      this.loadAfter = loadAfter;
    }

    String markdown() {
      Result updates = results.get(0);
      line("### StreamingLoad " + ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z"))
          + (o.label.isEmpty() ? "" : ": " + o.label));
      line("");
      line(String.format(Locale.ROOT,
          "%d streams, %s; %d s measured after %d s warm-up per phase; %d chars per update, new card at %,d chars; "
              + "server %s; load generator: %d Vert.x event loop(s), HTTP/1.1 keep-alive, pool of %d; "
              + "load average before %s, after %s; %d CPUs, Java %s, max heap %,d MiB.",
          o.streams, o.rate > 0 ? String.format(Locale.ROOT, "paced at %,.0f req/s in all", o.rate) : "closed loop without think time",
          o.duration.toSeconds(), o.warmup.toSeconds(), o.chunkChars, o.maxText,
          target.isEmbedded() ? "in the same JVM (it shares the CPUs with the load generator)" : "at " + target.host + ":" + target.port,
          o.clientThreads, o.streams, loadBefore, loadAfter, Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20));
      line("");
      line("| Phase | Endpoint | Acked/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | mean ms | Errors |");
      line("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
      for (Result r : results) {
        Histogram h = r.stats().latencyMicros;
        line(String.format(Locale.ROOT, "| %s | `%s` | **%,.0f** | %.2f | %.2f | **%.2f** | %.2f | %.1f | %.2f | %d |",
            r.phase().kind == Phase.Kind.UPDATES ? "updates" : "no-op", r.phase().kind.endpoint, r.perSecond(),
            ms(h, 50), ms(h, 90), ms(h, 99), ms(h, 99.9), h.getMaxValue() / 1000.0, h.getMean() / 1000.0, r.stats().errorCount()));
      }
      line("");
      for (Result r : results.subList(1, results.size())) {
        line(String.format(Locale.ROOT, "- Updates ÷ `%s`: **%.1f %%** of its throughput.",
            r.phase().kind.endpoint.split(" \\(")[0], 100.0 * updates.perSecond() / r.perSecond()));
      }
      for (Result r : results) {
        double inFlight = r.perSecond() * r.stats().latencyMicros.getMean() / 1e6;
        line(String.format(Locale.ROOT, "- Little's law, %s: %,.0f/s × %.2f ms mean = %.1f requests in flight (streams: %d).",
            r.phase().kind.name().toLowerCase(Locale.ROOT), r.perSecond(), r.stats().latencyMicros.getMean() / 1000.0, inFlight, o.streams));
      }
      Phase.Stats u = updates.stats();
      line(String.format(Locale.ROOT,
          "- Update bodies: mean %,.0f bytes. Card lifecycle in the window: %d cards created and sent, %d closed (latency of create + send together, and of close: p50 %.2f ms, p99 %.2f ms; not counted as updates).",
          u.acked == 0 ? 0.0 : (double) u.requestBytes / u.acked, u.cardsStarted, u.cardsClosed, ms(u.lifecycleMicros, 50), ms(u.lifecycleMicros, 99)));
      if (updates.commits() >= 0) {
        double seconds = updates.phase().measureSeconds();
        line(String.format(Locale.ROOT,
            "- Group commit (server counters, update window): %,.0f commits/s (fsyncs of the WAL), %,.0f batches/s, **%.1f batches per commit**, %.1f acknowledged updates per commit.",
            updates.commits() / seconds, updates.batches() / seconds, ratio(updates.batches(), updates.commits()), ratio(u.acked, updates.commits())));
      }
      if (fsync != null) {
        line(String.format(Locale.ROOT,
            "- R-fsync, 8 KiB write + fdatasync in a loop on the data directory's disk: %,.0f/s, p50 %.2f ms, p99 %.2f ms. Updates/s ÷ R-fsync = %.1f.",
            fsync.perSecond(), ms(fsync.micros(), 50), ms(fsync.micros(), 99), updates.perSecond() / fsync.perSecond()));
      }
      if (verification.checked() > 0) {
        line(String.format(Locale.ROOT, "- Check: %d of %d open cards hold exactly the text their stream had acknowledged%s.",
            verification.checked() - verification.mismatched(), verification.checked(),
            verification.mismatched() == 0 ? "" : " (**MISMATCH**)"));
      }
      errors();
      line("");
      cpuTable();
      line("");
      goals(updates);
      return b.toString();
    }

    private void errors() {
      for (Result r : results) {
        for (Map.Entry<String, Long> e : r.stats().errors.entrySet()) {
          line(String.format(Locale.ROOT, "- Errors in %s: %s × %,d.", r.phase().kind.name().toLowerCase(Locale.ROOT), e.getKey(), e.getValue()));
        }
      }
    }

    private void cpuTable() {
      StringBuilder head = new StringBuilder("| CPU (cores busy, measured window) |");
      StringBuilder rule = new StringBuilder("|---|");
      for (Result r : results) {
        head.append(' ').append(r.phase().kind.name().toLowerCase(Locale.ROOT)).append(" |");
        rule.append("---:|");
      }
      line(head.toString());
      line(rule.toString());
      String[] groups = target.isEmbedded()
          ? new String[] {CpuMeter.CLIENT, CpuMeter.SERVER_LOOPS, CpuMeter.WRITER, CpuMeter.OTHER_JAVA, CpuMeter.VM}
          : new String[] {CpuMeter.CLIENT, CpuMeter.OTHER_JAVA, CpuMeter.VM}; // the server runs elsewhere
      for (String group : groups) {
        StringBuilder row = new StringBuilder("| " + group + " |");
        for (Result r : results) {
          row.append(String.format(Locale.ROOT, " %.2f |", r.cpu().cores(group)));
        }
        line(row.toString());
      }
      StringBuilder total = new StringBuilder(target.isEmbedded() ? "| **whole process** |" : "| **whole load generator process** |");
      StringBuilder perOp = new StringBuilder("| server CPU per acked call (µs, all but the load generator) |");
      StringBuilder gc = new StringBuilder("| GC collections / ms paused |");
      for (Result r : results) {
        total.append(String.format(Locale.ROOT, " **%.2f** |", r.cpu().processCores()));
        perOp.append(String.format(Locale.ROOT, " %.0f |", r.stats().acked == 0 ? Double.NaN : r.cpu().serverSeconds() * 1e6 / r.stats().acked));
        gc.append(String.format(Locale.ROOT, " %d / %d |", r.cpu().gcCount(), r.cpu().gcMillis()));
      }
      line(total.toString());
      StringBuilder others = new StringBuilder("| other processes on the machine (not this benchmark) |");
      for (Result r : results) {
        others.append(String.format(Locale.ROOT, " %.2f |", r.cpu().otherProcessesCores()));
      }
      line(others.toString());
      if (target.isEmbedded()) {
        line(perOp.toString());
      }
      line(gc.toString());
    }

    private void goals(Result updates) {
      Histogram h = updates.stats().latencyMicros;
      line("| Goal (2-core machine) | Target | Reached | Met |");
      line("|---|---|---:|---|");
      line(String.format(Locale.ROOT, "| Durable updates/s | ≥ 5,000 | %,.0f | %s |", updates.perSecond(), yes(updates.perSecond() >= 5000)));
      for (Result r : results.subList(1, results.size())) {
        double pct = 100.0 * updates.perSecond() / r.perSecond();
        line(String.format(Locale.ROOT, "| Updates ÷ no-op `%s` | ≥ 30 %% | %.1f %% | %s |",
            r.phase().kind.endpoint.split(" \\(")[0], pct, yes(pct >= 30)));
      }
      line(String.format(Locale.ROOT, "| Update p99 latency | < 25 ms | %.2f ms | %s |", ms(h, 99), yes(ms(h, 99) < 25)));
      line(String.format(Locale.ROOT, "| No errors | 0 | %d | %s |", updates.stats().errorCount(), yes(updates.stats().errorCount() == 0)));
    }

    private static String yes(boolean met) {
      return met ? "yes" : "**no**";
    }

    private static double ratio(long a, long b) {
      return b <= 0 ? Double.NaN : (double) a / b;
    }

    private void line(String s) {
      b.append(s).append('\n');
    }
  }

}
