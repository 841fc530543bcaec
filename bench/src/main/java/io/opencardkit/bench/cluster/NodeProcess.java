package io.opencardkit.bench.cluster;

import io.opencardkit.bench.process.ServerOptions;
import io.opencardkit.bench.process.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One node of the cluster in a JVM of its own ({@link ServerProcess}), optionally pinned to one
 * CPU: by default a {@link ClusterNode} on this benchmark's classpath, which also answers {@code
 * stats} with the store's and the web chat's counters; with {@code --server-jar}, the given server
 * jar's {@code serve --store … --bus …} exactly as {@code bin/opencardkit} runs it (so "before" and
 * "after" jars compare), whose counters the benchmark cannot read.
 */
final class NodeProcess implements AutoCloseable {
  final String name;
  final int cpu; // -1 when not pinned
  private final ServerProcess process;
  private final boolean answersStats;

  private NodeProcess(String name, int cpu, ServerProcess process, boolean answersStats) {
    this.name = name;
    this.cpu = cpu;
    this.process = process;
    this.answersStats = answersStats;
  }

  /**
   * Starts node {@code name} on {@code store} and {@code bus}, pinned to {@code cpu} unless it is
   * negative, in {@code dir}, and waits until it listens and answers {@code /healthz}.
   *
   * @param seed the seed file, or null for a node that joins a cluster whose directory is stored
   *     already
   */
  static NodeProcess start(
      String name, int cpu, String store, String bus, Path seed, Path dir, ServerOptions options) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String cpus = cpu >= 0 ? Integer.toString(cpu) : null;
    List<String> cluster = List.of("--store", store, "--bus", bus, "--streaming-timeout", "2h");
    if (options.jarGiven()) {
      List<String> more = new ArrayList<>(cluster);
      if (options.serveTakes("--insecure-dev-login")) {
        // viewers sign in with ?user=, which a cluster node refuses since issue 16 unless told
        // explicitly
        more.addAll(List.of("--web-auth", "development", "--insecure-dev-login"));
      }
      return new NodeProcess(
          name, cpu, options.startServer("node-" + name, cpus, dir, seed, more), false);
    }
    List<String> args =
        new ArrayList<>(List.of("--port", "0", "--data", dir.resolve("data").toString()));
    args.addAll(cluster);
    if (seed != null) {
      args.addAll(List.of("--seed", seed.toString()));
    }
    return new NodeProcess(
        name, cpu, options.startProgram("node-" + name, cpus, dir, ClusterNode.class, args), true);
  }

  int port() {
    return process.port();
  }

  long pid() {
    return process.pid();
  }

  /** How the node's JVM set itself up: collector, CPUs it sees, max heap (from its GC log). */
  String jvm() {
    return process.jvmSummary();
  }

  /** What it runs, for the report's heading. */
  String program() {
    return answersStats
        ? "`ClusterNode` (`OpenCardKitServer.start` as `opencardkit serve --store … --bus …` starts it, on the bench classpath)"
        : "`" + process.commandLine() + "`";
  }

  ServerProcess.Reading read() {
    return process.read();
  }

  ServerProcess.Usage between(ServerProcess.Reading a, ServerProcess.Reading b) {
    return process.between(a, b);
  }

  /**
   * The node's counters (at most 10 s), or {@link NodeStats#UNKNOWN} when it runs the server jar,
   * which has no way to tell them.
   */
  NodeStats stats() {
    if (!answersStats) {
      return NodeStats.UNKNOWN;
    }
    return NodeStats.parse(process.ask("stats", ClusterNode.STATS, Duration.ofSeconds(10)));
  }

  @Override
  public void close() {
    process.close();
  }
}
