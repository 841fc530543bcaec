package io.opencardkit.bench.cluster;

import io.opencardkit.core.store.CardStore;
import io.opencardkit.server.Main;
import io.opencardkit.server.OpenCardKitServer;
import io.opencardkit.server.ServerConfig;
import io.opencardkit.server.web.ViewerStats;
import io.opencardkit.store.jdbc.SqlCardStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One node of ClusterLoad's cluster, in a process of its own so that its CPU is its own: the server
 * started exactly as {@code opencardkit serve --store … --bus …} starts it ({@link
 * OpenCardKitServer#start}), plus what the benchmark reads from outside the server's API. Each line
 * {@code stats} on standard input is answered on standard output with {@code okc-node-stats} and
 * the store's group-commit counters and the web chat's counters; the end of standard input closes
 * the server and ends the process, so a node never outlives the benchmark that started it.
 */
@Command(
    name = "ClusterNode",
    mixinStandardHelpOptions = true,
    description = "One benchmark node: opencardkit serve plus a stats line on request.")
public final class ClusterNode implements Callable<Integer> {
  /** Start of the answer to {@code stats}. */
  static final String STATS = "okc-node-stats";

  /** Start of the line that says how the JVM was set up. */
  static final String JVM = "okc-node-jvm";

  @Option(names = "--port", defaultValue = "0")
  int port;

  @Option(
      names = "--data",
      required = true,
      description = "Unused with --store, as for serve; required by the configuration.")
  Path data;

  @Option(names = "--store", required = true)
  String store;

  @Option(names = "--bus", required = true)
  String bus;

  @Option(names = "--seed")
  Path seed;

  @Option(
      names = "--streaming-timeout",
      defaultValue = "2h",
      converter = Main.DurationConverter.class)
  Duration streamingTimeout;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ClusterNode()).execute(args));
  }

  @Override
  @SuppressWarnings(
      "ClosingStandardOutputStreams") // the server writes to System.out but never closes it
  public Integer call() throws IOException {
    ServerConfig base =
        ServerConfig.defaults()
            .withPort(port)
            .withDataDir(data)
            .withSeed(seed)
            .withStreamingTimeout(streamingTimeout)
            .withCluster(store, bus)
            .withInsecureDevLogin(); // the viewers sign in with ?user=, on loopback
    // Every load generator connects from loopback: no per-address limit.
    ServerConfig config =
        base.withConnections(
            base.connections().withMaxConnections(base.connections().maxConnections(), 0));
    try (OpenCardKitServer server = OpenCardKitServer.start(config, System.out)) {
      System.out.println(
          "OpenCardKit listening on "
              + server.baseUrl()
              + " ("
              + server.backendsDescription()
              + ")");
      System.out.println(
          JVM
              + " cpus="
              + Runtime.getRuntime().availableProcessors()
              + " max_heap_mib="
              + (Runtime.getRuntime().maxMemory() >> 20)
              + " gc="
              + ManagementFactory.getGarbageCollectorMXBeans().stream()
                  .map(GarbageCollectorMXBean::getName)
                  .collect(Collectors.joining("+"))
                  .replace(' ', '_'));
      System.out.flush();
      BufferedReader commands =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = commands.readLine()) != null; ) {
        if (line.trim().equals("stats")) {
          System.out.println(stats(server));
          System.out.flush();
        }
      }
    }
    return 0;
  }

  private static String stats(OpenCardKitServer server) {
    CardStore store = server.store();
    long commits = store instanceof SqlCardStore ? ((SqlCardStore) store).commitsCount() : -1;
    long batches = store instanceof SqlCardStore ? ((SqlCardStore) store).batchesCount() : -1;
    ViewerStats web = server.web().stats();
    return String.format(
        Locale.ROOT,
        "%s commits=%d batches=%d viewers=%d skipped=%d snapshots=%d slow_closed=%d",
        STATS,
        commits,
        batches,
        web.connections(),
        web.deltasSkipped(),
        web.snapshotsSent(),
        web.slowClientsClosed());
  }
}
