package io.opencardkit.bench.fanout;

import io.opencardkit.bench.CpuMeter;
import io.opencardkit.bench.ProcessCpu;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Idle viewers: memory and CPU of the server per connected, idle WebSocket viewer. The server runs
 * in its own process ({@code java -jar dist/target/opencardkit-dist-*-all.jar serve}, as {@code
 * bin/opencardkit} runs it, started by {@link ServerOptions}: {@code --server-jar}, {@code
 * --server-args}, {@code --server-java-opts}) so that its memory is its own; the viewers run in
 * this one. Reads the server's RSS from /proc, its heap after a full GC from {@code jcmd
 * GC.heap_info}, the machine's kernel slab from /proc/meminfo, before and after, and the server's
 * CPU while the viewers sit idle.
 */
@Command(
    name = "IdleViewers",
    mixinStandardHelpOptions = true,
    description = "Server memory and CPU per idle WebSocket viewer.")
public final class IdleViewers implements Callable<Integer> {
  @Option(
      names = "--viewers",
      defaultValue = "20000",
      description =
          "Viewers to open (default ${DEFAULT-VALUE}); lowered to what the file-descriptor limits allow.")
  int viewers;

  @Option(
      names = "--deflate",
      defaultValue = "false",
      arity = "1",
      description = "Viewers offer permessage-deflate, as browsers do (default ${DEFAULT-VALUE}).")
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
      names = "--idle",
      defaultValue = "60s",
      converter = Main.DurationConverter.class,
      description = "How long to measure idle CPU (default ${DEFAULT-VALUE}).")
  Duration idle;

  @Option(
      names = "--client-loops",
      defaultValue = "2",
      description = "Event loops of the viewers (default ${DEFAULT-VALUE}).")
  int clientLoops;

  @Option(
      names = "--server-cpus",
      description = "Pin the server to these CPUs with taskset -c (default: not pinned).")
  String serverCpus;

  @Mixin ServerOptions serverOptions = new ServerOptions();

  @Option(
      names = "--histogram",
      defaultValue = "12",
      description =
          "Lines of the server's class histogram to print after the viewers connected (default ${DEFAULT-VALUE}).")
  int histogramLines;

  @Option(
      names = "--answers-for",
      defaultValue = "0s",
      converter = Main.DurationConverter.class,
      description =
          "After the idle measurement, a bot streams short answers into the chat for this long (default ${DEFAULT-VALUE}: none),"
              + " then the viewers' memory is read again once the server's 2-minute resume windows have expired.")
  Duration answersFor;

  @Option(
      names = "--answer-streams",
      defaultValue = "5",
      description = "Concurrent answers with --answers-for (default ${DEFAULT-VALUE}).")
  int answerStreams;

  private final PrintStreamHolder out = new PrintStreamHolder();
  private ServerProcess server;

  public static void main(String[] args) {
    System.exit(new CommandLine(new IdleViewers()).execute(args));
  }

  /** What the server uses at one moment. */
  record Reading(
      long rssKib,
      long heapUsedKib,
      long heapCommittedKib,
      long slabKib,
      long openFds,
      long cpuTicks) {}

  @Override
  public Integer call() throws Exception {
    ViewerFleet.acceptClientNoContext(acceptClientNoContext);
    Path dir = Files.createTempDirectory("okc-idle");
    FanoutSeed seed = new FanoutSeed(viewers);
    Path seedFile = seed.writeTo(dir);
    out.printf(
        "IdleViewers: viewers=%d deflate=%s idle=%s; server %s%s%n",
        viewers,
        deflate,
        idle,
        serverOptions.describe(),
        serverCpus == null ? "" : " on CPU " + serverCpus);
    out.printf(
        "machine: %d CPUs, load average %s; this process may open %d files, loopback ports %s%n",
        Runtime.getRuntime().availableProcessors(),
        FanoutLoad.loadAverage(),
        openFileLimit(ProcessHandle.current().pid()),
        Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim());
    server = serverOptions.startServer("server", serverCpus, dir, seedFile, List.of());
    long pid = server.pid();
    int port = server.port();
    out.printf(
        "server pid %d on port %d, may open %d files; its JVM: %s%n",
        pid, port, openFileLimit(pid), server.jvmSummary());

    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(clientLoops));
    List<Context> loops = new ArrayList<>();
    for (int i = 0; i < clientLoops; i++) {
      loops.add(((VertxInternal) vertx).createEventLoopContext());
    }
    CardTrack.Registry registry = new CardTrack.Registry();
    try {
      // Warm the server's WebSocket path (classes, JIT) with a few viewers, then take the baseline
      // without them.
      ViewerFleet warm = new ViewerFleet(vertx, loops, registry, deflate, 200);
      warm.open("127.0.0.1", port, 0, seed.users.subList(0, Math.min(200, seed.users.size())), 64);
      Thread.sleep(2000);
      warm.close();
      Thread.sleep(2000);
      Reading before = read(pid);
      int fit =
          (int)
                  Math.min(
                      openFileLimit(pid) - before.openFds(),
                      openFileLimit(ProcessHandle.current().pid())
                          - countFds(ProcessHandle.current().pid()))
              - 32;
      int n = Math.min(viewers, fit);
      if (n < viewers) {
        out.printf(
            "NOTE: %d viewers do not fit the open-file limits (server %d of %d in use, this process %d of %d); opening %d%n",
            viewers,
            before.openFds(),
            openFileLimit(pid),
            countFds(ProcessHandle.current().pid()),
            openFileLimit(ProcessHandle.current().pid()),
            n);
      }
      print("before", before, 0, null);

      ViewerFleet fleet = new ViewerFleet(vertx, loops, registry, deflate, n);
      long t0 = System.nanoTime();
      fleet.open("127.0.0.1", port, 0, seed.users.subList(0, n), 256);
      double openSeconds = (System.nanoTime() - t0) / 1e9;
      fleet.awaitReady(120);
      out.printf(
          "opened %d viewers in %.1f s (%.0f handshakes/s); the server greeted all of them%n",
          n, openSeconds, n / openSeconds);
      Thread.sleep(5000);
      Reading after = read(pid);
      print("after", after, n, before);
      double rssPerViewer = (after.rssKib() - before.rssKib()) / (double) n;
      out.printf(
          "per viewer: RSS %.1f KiB, heap after full GC %.1f KiB, kernel slab (machine-wide) %.1f KiB, file descriptors %.2f%n",
          rssPerViewer,
          (after.heapUsedKib() - before.heapUsedKib()) / (double) n,
          (after.slabKib() - before.slabKib()) / (double) n,
          (after.openFds() - before.openFds()) / (double) n);
      double goal = deflate ? 24 : 16;
      out.printf(
          "goal (issue 9): server RSS per idle viewer %s ≤ %.0f KiB%s at %,d viewers: %.1f KiB, %s%n",
          deflate ? "with deflate negotiated" : "without compression",
          goal,
          deflate ? " (stretch 16)" : "",
          n,
          rssPerViewer,
          rssPerViewer <= goal ? "met" : "NOT met");
      histogram();

      long cpu0 = ProcessCpu.ticks(pid);
      long busy0 = CpuMeter.machineBusyTicks();
      long w0 = System.nanoTime();
      Thread.sleep(idle.toMillis());
      double seconds = (System.nanoTime() - w0) / 1e9;
      double cpuSeconds = (ProcessCpu.ticks(pid) - cpu0) / 100.0;
      out.printf(
          "idle %.0f s: server CPU %.2f s = %.3f cores = %.2f µs per viewer per second; other processes used %.2f cores; unexpected closes %d%n",
          seconds,
          cpuSeconds,
          cpuSeconds / seconds,
          cpuSeconds / seconds / n * 1e6,
          ((CpuMeter.machineBusyTicks() - busy0) / 100.0) / seconds - cpuSeconds / seconds,
          fleet.unexpectedCloses());
      if (!answersFor.isZero()) {
        answers(vertx, seed, port, fleet, n, after);
      }
      fleet.close();
    } finally {
      vertx.close().await();
      server.close();
      deleteTree(dir);
    }
    out.printf("load average at end: %s%n", FanoutLoad.loadAverage());
    return 0;
  }

  /**
   * Streams short answers (create, send, three appends, streaming off) into the viewers' chat,
   * waits until the server's resume windows of those cards have expired (idle for 2 minutes), and
   * reads the server's memory again: what a viewer that stayed connected while answers were
   * streamed still costs.
   */
  private void answers(
      Vertx vertx, FanoutSeed seed, int port, ViewerFleet fleet, int n, Reading idle)
      throws Exception {
    Context botContext = ((VertxInternal) vertx).createEventLoopContext();
    CardTrack.Registry registry = new CardTrack.Registry();
    BotFleet bots =
        new BotFleet(
            vertx,
            botContext,
            "127.0.0.1",
            port,
            seed.appId,
            seed.appSecret,
            seed.chatId,
            registry,
            32,
            96,
            10,
            answerStreams);
    bots.authenticate();
    long start = System.nanoTime();
    long end = start + answersFor.toNanos();
    fleet.startStep(start);
    fleet.startWindow(start, end);
    BotFleet.Counters done = bots.run(answerStreams, start, start, end, end).join();
    Thread.sleep(2000);
    Tally seen = fleet.sum(fleet.endStep(System.nanoTime()));
    out.printf(
        "streamed %d answers (%d appends) in %s: viewers got %d card frames, %d message frames, %d snapshots; errors %s%n",
        done.cardsOpened,
        done.contentOk,
        answersFor,
        seen.cardFrames,
        seen.messages,
        seen.snapshots,
        done.errors);
    Reading right = read(server.pid());
    print("right after", right, n, idle);
    out.printf("waiting 130 s for the server's 2-minute resume windows of those cards to expire%n");
    Thread.sleep(130_000);
    Reading later = read(server.pid());
    print("later", later, n, idle);
    out.printf(
        "per viewer, %d answers later: heap after full GC +%.2f KiB right after, +%.2f KiB once the windows expired (%.1f bytes per viewer per answer)%n",
        done.cardsOpened,
        (right.heapUsedKib() - idle.heapUsedKib()) / (double) n,
        (later.heapUsedKib() - idle.heapUsedKib()) / (double) n,
        (later.heapUsedKib() - idle.heapUsedKib()) * 1024.0 / n / Math.max(1, done.cardsOpened));
    histogram();
    bots.close();
  }

  private void print(String label, Reading r, int n, Reading before) {
    out.printf(
        "%-6s RSS %,d KiB, heap used after full GC %,d KiB (committed %,d KiB), machine slab %,d KiB, open files %d%s%n",
        label,
        r.rssKib(),
        r.heapUsedKib(),
        r.heapCommittedKib(),
        r.slabKib(),
        r.openFds(),
        before == null
            ? ""
            : String.format(
                Locale.ROOT,
                " (Δ RSS %,d KiB, Δ heap %,d KiB for %d viewers)",
                r.rssKib() - before.rssKib(),
                r.heapUsedKib() - before.heapUsedKib(),
                n));
  }

  /** Full GC in the server, then its RSS, heap, open files and CPU, and the machine's slab. */
  private Reading read(long pid) throws Exception {
    jcmd("GC.run");
    Thread.sleep(1000);
    String heap = jcmd("GC.heap_info");
    Matcher m = Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(heap);
    long committed = 0;
    long used = 0;
    while (m.find()) { // G1 prints one "garbage-first heap total …K, used …K" line
      committed += Long.parseLong(m.group(1));
      used += Long.parseLong(m.group(2));
    }
    return new Reading(
        ProcessCpu.rssKib(pid),
        used,
        committed,
        meminfoKib("Slab"),
        countFds(pid),
        ProcessCpu.ticks(pid));
  }

  private void histogram() throws Exception {
    if (histogramLines <= 0) {
      return;
    }
    String[] lines = jcmd("GC.class_histogram").split("\n");
    out.printf("server class histogram (top %d):%n", histogramLines);
    for (int i = 0; i < lines.length && i < histogramLines + 3; i++) {
      out.printf("  %s%n", lines[i]);
    }
  }

  private String jcmd(String what) {
    return server.jcmd(what);
  }

  private static long meminfoKib(String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("\\D+", ""));
      }
    }
    return -1;
  }

  private static long countFds(long pid) throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      return fds.count();
    }
  }

  private static long openFileLimit(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/limits"))) {
      if (line.startsWith("Max open files")) {
        return Long.parseLong(line.substring("Max open files".length()).trim().split("\\s+")[0]);
      }
    }
    return Long.MAX_VALUE;
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e.getMessage());
    }
  }

  /** System.out, flushed after each line (the run is long and its progress matters). */
  private static final class PrintStreamHolder {
    void printf(String format, Object... args) {
      System.out.printf(Locale.ROOT, format, args);
      System.out.flush();
    }
  }
}
