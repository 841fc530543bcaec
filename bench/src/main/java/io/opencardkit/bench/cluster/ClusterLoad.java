package io.opencardkit.bench.cluster;

import io.opencardkit.bench.BotStream;
import io.opencardkit.bench.ChatsSeed;
import io.opencardkit.bench.CpuMeter;
import io.opencardkit.bench.NoisyRepeats;
import io.opencardkit.bench.Phase;
import io.opencardkit.bench.TextCorpus;
import io.opencardkit.bench.fanout.FanoutLoad;
import io.opencardkit.bench.fanout.Tally;
import io.opencardkit.bench.process.ServerOptions;
import io.opencardkit.server.Main;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
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
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Scale-out benchmark (perf-anchors G9): StreamingLoad's bot streams on a cluster of one and of two
 * nodes, each node a process of its own on the same PostgreSQL and a private Redis. Measures (a)
 * the delivery latency the second hop adds: bots write through node A, each chat has one viewer on
 * A and one on B, and the same events are timed at both; (b) acknowledged updates/s of one node
 * alone against each node of two, with the streams split across both; and, from outside the nodes,
 * store commits and bus publishes per acknowledged update.
 */
@Command(
    name = "ClusterLoad",
    mixinStandardHelpOptions = true,
    description =
        "Cross-node delivery latency and per-node throughput of a 2-node cluster against 1 node, on PostgreSQL and Redis.")
public final class ClusterLoad implements Callable<Integer> {
  @Option(
      names = "--store",
      defaultValue = "postgresql://postgres@127.0.0.1:5432/test",
      description =
          "PostgreSQL, without a schema: the run makes a schema okc_bench_<hex> and drops it afterwards (default: ${DEFAULT-VALUE}).")
  String store;

  @Option(
      names = "--streams",
      defaultValue = "100",
      description =
          "Concurrent bot streams, one chat each, one request in flight each (default: ${DEFAULT-VALUE}).")
  int streams;

  @Option(
      names = "--latency-rates",
      defaultValue = "1000",
      split = ",",
      description =
          "Updates/s in all, paced, of the latency steps (all written through node A) (default: ${DEFAULT-VALUE}: 10/s per card with 100 streams, CardKit's cadence).")
  List<Double> latencyRates;

  @Option(
      names = "--duration",
      defaultValue = "30s",
      converter = Main.DurationConverter.class,
      description = "Measured time per step (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(
      names = "--warmup",
      defaultValue = "10s",
      converter = Main.DurationConverter.class,
      description = "Unmeasured time before each step's window (default: ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(
      names = "--first-warmup",
      defaultValue = "60s",
      converter = Main.DurationConverter.class,
      description =
          "Unmeasured closed-loop writes through every running node after a node (re)started, for its JIT: a node pinned to one"
              + " CPU compiles on the core it serves from (default: ${DEFAULT-VALUE}).")
  Duration firstWarmup;

  @Option(
      names = "--equal-load-rate",
      defaultValue = "3000",
      description =
          "After each closed-loop throughput step, a paced step at this many updates/s in all in the same configuration, to compare"
              + " the nodes' CPU per update at equal load; 0 for none (default: ${DEFAULT-VALUE}).")
  double equalLoadRate;

  @Option(
      names = "--rounds",
      defaultValue = "1",
      description =
          "Rounds of (1 node, 2 nodes) throughput steps; node B is stopped and started again between rounds (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(
      names = "--pin",
      defaultValue = "true",
      arity = "1",
      description =
          "Pin node A to CPU 0 and node B to CPU 1 with taskset, in both configurations (default: ${DEFAULT-VALUE}).")
  boolean pin;

  @Mixin ServerOptions serverOptions = new ServerOptions();

  @Option(
      names = "--chunk-chars",
      defaultValue = "4",
      description = "Characters appended per update (default: ${DEFAULT-VALUE}).")
  int chunkChars;

  @Option(
      names = "--max-text",
      defaultValue = "2400",
      description =
          "Characters per card before the stream starts a new one (default: ${DEFAULT-VALUE}).")
  int maxText;

  @Option(
      names = "--viewer-loops",
      defaultValue = "2",
      description = "Event loops of the viewers (default: ${DEFAULT-VALUE}; the bots have one).")
  int viewerLoops;

  @Mixin NoisyRepeats noisy = new NoisyRepeats(0.3);

  @Option(names = "--label", defaultValue = "", description = "A note for the result heading.")
  String label;

  private final CpuMeter meter = new CpuMeter();
  private final IdentityHashMap<NodeProcess, HttpClientAgent> clients = new IdentityHashMap<>();
  private Vertx vertx;
  private Cluster cluster;
  private Context botContext;
  private ChatsSeed seed;
  private Deliveries deliveries;
  private String authorization;
  private String program = "";

  public static void main(String[] args) {
    System.exit(new CommandLine(new ClusterLoad()).execute(args));
  }

  /** One measured step: which nodes took writes, the viewers' nodes, and what was measured. */
  record Step(
      String name,
      String config,
      double rate,
      Map<String, Phase.Stats> writes,
      double seconds,
      ClusterWindow window,
      Deliveries.Summary measured,
      Deliveries.Summary whole,
      Tally[] tallies,
      String[] viewerNodes,
      List<Double> discardedNoise) {
    double ackedPerSecond(String node) {
      return writes.get(node).acked / seconds;
    }

    long acked() {
      return writes.values().stream().mapToLong(s -> s.acked).sum();
    }
  }

  @Override
  public Integer call() throws Exception {
    if (streams < 2 || rounds < 1 || duration.isZero()) {
      System.err.println("ClusterLoad: --streams must be ≥ 2, --rounds ≥ 1, --duration > 0");
      return 2;
    }
    String loadBefore = FanoutLoad.loadAverage();
    Path dir = Files.createTempDirectory("okc-bench-cluster");
    seed = new ChatsSeed(streams);
    deliveries =
        new Deliveries(
            (int) (BotStream.SENT_VERSION + (maxText + chunkChars - 1) / chunkChars + 4));
    List<Step> latency = new ArrayList<>();
    List<Step> throughput = new ArrayList<>();
    String[] jvms = new String[2];
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(viewerLoops + 1));
    botContext = ((VertxInternal) vertx).createEventLoopContext();
    List<Context> viewerContexts = new ArrayList<>();
    for (int i = 0; i < viewerLoops; i++) {
      viewerContexts.add(((VertxInternal) vertx).createEventLoopContext());
    }
    try (Cluster started = Cluster.start(store, dir, seed.writeTo(dir), pin, serverOptions);
        ChatViewers viewers = new ChatViewers(vertx, viewerContexts, deliveries, seed.users)) {
      cluster = started;
      NodeProcess a = cluster.a();
      jvms[0] = a.jvm();
      program = a.program();
      authorization =
          "Bearer "
              + BotStream.tenantToken(
                  client(a), seed.appId, seed.appSecret); // every node accepts it
      viewers.place(a, a);
      warmUp(List.of(a));
      for (int round = 1; round <= rounds; round++) {
        runRound(round, viewers, latency, throughput);
        jvms[1] = cluster.b().jvm();
      }
      clients.values().forEach(c -> c.close().await());
    } finally {
      vertx.close().await();
      deleteTree(dir);
    }
    System.out.println();
    System.out.println(
        new ClusterReport(
                this, jvms, program, latency, throughput, loadBefore, FanoutLoad.loadAverage())
            .markdown());
    return 0;
  }

  /**
   * One round: one node (B stopped, both viewers of each chat on A), then two (B started and warmed
   * up if it was stopped, one viewer on each); the latency steps run in the first round only,
   * between the two.
   */
  private void runRound(int round, ChatViewers viewers, List<Step> latency, List<Step> throughput)
      throws InterruptedException {
    NodeProcess a = cluster.a();
    viewers.place(a, a);
    cluster.stopB();
    throughput.add(quietStep("round " + round, "1 node", List.of(a), 0, viewers));
    if (equalLoadRate > 0) {
      throughput.add(quietStep("round " + round, "1 node", List.of(a), equalLoadRate, viewers));
    }
    boolean bStarted = cluster.ensureB();
    viewers.place(a, cluster.b());
    if (bStarted) {
      warmUp(cluster.running());
    }
    if (round == 1) {
      for (double rate : latencyRates) {
        latency.add(quietStep("latency", "2 nodes, writes through A", List.of(a), rate, viewers));
      }
    }
    throughput.add(quietStep("round " + round, "2 nodes", cluster.running(), 0, viewers));
    if (equalLoadRate > 0) {
      throughput.add(
          quietStep("round " + round, "2 nodes", cluster.running(), equalLoadRate, viewers));
    }
  }

  /**
   * Runs a step until other processes of this shared machine stayed below --noisy-above cores
   * during its window (see {@link NoisyRepeats}).
   */
  private Step quietStep(
      String name, String config, List<NodeProcess> writers, double rate, ChatViewers viewers)
      throws InterruptedException {
    return noisy.untilQuiet(
        discarded -> step(name, config, writers, rate, viewers, discarded),
        s -> s.window().otherCores(),
        "the step");
  }

  /**
   * Runs one measured step of new bot streams through {@code writers} (see {@link #startStreams});
   * reads the cluster's counters at the window's edges, then waits for the viewers to go quiet.
   */
  private Step step(
      String name,
      String config,
      List<NodeProcess> writers,
      double rate,
      ChatViewers viewers,
      List<Double> discarded)
      throws InterruptedException {
    System.gc();
    long start = System.nanoTime() + 200_000_000L;
    Map<NodeProcess, Phase> phases =
        startStreams(writers, rate, start, warmup.toNanos(), duration.toNanos());
    log(
        String.format(
            Locale.ROOT,
            "%s, %s: %s, %d s warm-up, %d s measured",
            name,
            config,
            rate > 0 ? String.format(Locale.ROOT, "%,.0f updates/s", rate) : "closed loop",
            warmup.toSeconds(),
            duration.toSeconds()));
    Phase first = phases.values().iterator().next();
    viewers.startStep(start, first.measureStartNanos(), first.endNanos());
    Phase.sleepUntil(first.measureStartNanos());
    Cluster.Reading before = cluster.read(meter);
    Phase.sleepUntil(first.endNanos());
    Cluster.Reading after = cluster.read(meter);
    Map<String, Phase.Stats> writes = awaitStopped(phases);
    Tally[] tallies = viewers.endStep();
    Step step =
        new Step(
            name,
            config,
            rate,
            writes,
            first.measureSeconds(),
            ClusterWindow.between(
                meter, before, after, node -> node.equals("A") ? cluster.a() : cluster.b()),
            deliveries.summarize(first.measureStartNanos(), first.endNanos()),
            deliveries.summarize(start, first.endNanos()),
            tallies,
            new String[] {viewers.node(0).name, viewers.node(1).name},
            discarded);
    log(ClusterReport.progressLine(step));
    return step;
  }

  /**
   * Unmeasured closed-loop writes through {@code writers} for --first-warmup, with the viewers
   * where they are.
   */
  private void warmUp(List<NodeProcess> writers) throws InterruptedException {
    log(
        "warm-up: closed loop through "
            + writers.stream().map(n -> n.name).collect(Collectors.joining(" and "))
            + " for "
            + firstWarmup.toSeconds()
            + " s, not measured");
    awaitStopped(
        startStreams(writers, 0, System.nanoTime() + 200_000_000L, firstWarmup.toNanos(), 0));
  }

  /**
   * Starts {@link #streams} new bot streams (stream i writes chat i's cards, so each step starts on
   * new cards), spread round-robin over {@code writers}, paced at {@code rate} updates/s in all or
   * closed loop when it is 0.
   */
  private Map<NodeProcess, Phase> startStreams(
      List<NodeProcess> writers, double rate, long start, long warmNanos, long measureNanos) {
    Map<NodeProcess, List<BotStream>> bots = new LinkedHashMap<>();
    for (int i = 0; i < streams; i++) {
      NodeProcess node = writers.get(i % writers.size());
      bots.computeIfAbsent(node, n -> new ArrayList<>())
          .add(new BotStream(shared(node), i, streams, botContext, seed.chats.get(i)));
    }
    Map<NodeProcess, Phase> phases = new LinkedHashMap<>();
    bots.forEach(
        (node, list) -> {
          Phase phase =
              new Phase(
                  Phase.Kind.UPDATES,
                  start,
                  warmNanos,
                  measureNanos,
                  list.size(),
                  rate * list.size() / streams);
          phases.put(node, phase);
          list.forEach(bot -> bot.run(phase));
        });
    return phases;
  }

  private static Map<String, Phase.Stats> awaitStopped(Map<NodeProcess, Phase> phases)
      throws InterruptedException {
    Map<String, Phase.Stats> writes = new LinkedHashMap<>();
    for (Map.Entry<NodeProcess, Phase> e : phases.entrySet()) {
      Phase.sleepUntil(e.getValue().endNanos());
      if (!e.getValue().awaitStopped(120)) {
        throw new IllegalStateException(
            "streams on node " + e.getKey().name + " did not stop within 120 s of the end");
      }
      writes.put(e.getKey().name, e.getValue().merged());
    }
    return writes;
  }

  private BotStream.Shared shared(NodeProcess node) {
    return new BotStream.Shared(
        vertx,
        client(node),
        "127.0.0.1",
        node.port(),
        authorization,
        CORPUS,
        chunkChars,
        maxText,
        meter,
        deliveries);
  }

  private static final TextCorpus CORPUS = TextCorpus.generate(256 * 1024);

  private HttpClientAgent client(NodeProcess node) {
    return clients.computeIfAbsent(
        node,
        n ->
            vertx.createHttpClient(
                new HttpClientOptions()
                    .setKeepAlive(true)
                    .setPipelining(false)
                    .setTcpNoDelay(true)
                    .setDefaultHost("127.0.0.1")
                    .setDefaultPort(n.port()),
                new PoolOptions().setHttp1MaxSize(streams).setMaxWaitQueueSize(-1)));
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e.getMessage());
    }
  }

  private static void log(String line) {
    System.err.println(
        ZonedDateTime.now(ZoneId.systemDefault()).format(DateTimeFormatter.ISO_LOCAL_TIME)
            + " "
            + line);
  }
}
