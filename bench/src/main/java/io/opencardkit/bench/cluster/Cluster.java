package io.opencardkit.bench.cluster;

import io.opencardkit.bench.CpuMeter;
import io.opencardkit.bench.PostgresAdmin;
import io.opencardkit.bench.ProcessCpu;
import io.opencardkit.bench.process.ServerOptions;
import io.opencardkit.bench.process.ServerProcess;
import io.opencardkit.bus.redis.testing.RedisServerProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster under load: a private redis-server (so that its counters are this run's), a
 * PostgreSQL schema of this run's, and node A, with node B started and stopped as the
 * configurations need it. Node A is pinned to CPU 0 and B to CPU 1 when pinning is on, in every
 * configuration, so that a node has the same one core alone or in two.
 */
final class Cluster implements AutoCloseable {
  final RedisServerProcess redis;
  private final long redisPid;
  final String storeUrl;
  private final Path dir;
  private final boolean pin;
  private final ServerOptions options;
  private NodeProcess a;
  private NodeProcess b;

  private Cluster(
      RedisServerProcess redis, String storeUrl, Path dir, boolean pin, ServerOptions options) {
    this.redis = redis;
    this.redisPid = ProcessCpu.pidOf("redis-server", ":" + redis.port());
    this.storeUrl = storeUrl;
    this.dir = dir;
    this.pin = pin;
    this.options = options;
  }

  /**
   * Starts redis-server and node A (which stores the seed) on a fresh schema of {@code
   * postgresUrl}.
   */
  static Cluster start(
      String postgresUrl, Path dir, Path seed, boolean pin, ServerOptions options) {
    RedisServerProcess redis = RedisServerProcess.start();
    Cluster cluster =
        new Cluster(redis, PostgresAdmin.withFreshSchema(postgresUrl), dir, pin, options);
    try {
      cluster.a = cluster.startNode("A", 0, seed);
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  private NodeProcess startNode(String name, int cpu, Path seedFile) {
    NodeProcess node =
        NodeProcess.start(
            name,
            pin ? cpu : -1,
            storeUrl,
            redis.url(),
            seedFile,
            dir.resolve("node-" + name),
            options);
    System.err.printf(
        "node %s: pid %d, port %d%s, JVM %s%n",
        name, node.pid(), node.port(), pin ? ", CPU " + cpu : "", node.jvm());
    return node;
  }

  NodeProcess a() {
    return a;
  }

  /**
   * Node B, started if it is not running (without the seed: the directory is in the database).
   * Returns whether it was started now.
   */
  boolean ensureB() {
    if (b != null) {
      return false;
    }
    b = startNode("B", 1, null);
    return true;
  }

  /** Node B, or null while it is stopped. */
  NodeProcess b() {
    return b;
  }

  void stopB() {
    if (b != null) {
      b.close();
      b = null;
    }
  }

  List<NodeProcess> running() {
    List<NodeProcess> nodes = new ArrayList<>(List.of(a));
    if (b != null) {
      nodes.add(b);
    }
    return nodes;
  }

  /** Everything the cluster's counters and /proc say at one moment. */
  record Reading(
      CpuMeter.Snapshot loadGenerator,
      Map<String, ServerProcess.Reading> nodeCpu,
      Map<String, NodeStats> nodeStats,
      long redisTicks,
      RedisCounters redis,
      PostgresAdmin.Counters postgres) {}

  Reading read(CpuMeter meter) {
    Map<String, ServerProcess.Reading> cpu = new LinkedHashMap<>();
    Map<String, NodeStats> stats = new LinkedHashMap<>();
    CpuMeter.Snapshot self = meter.snapshot();
    for (NodeProcess node : running()) {
      cpu.put(node.name, node.read());
    }
    long redisTicks = redisPid < 0 ? -1 : ProcessCpu.ticks(redisPid);
    for (NodeProcess node : running()) {
      stats.put(node.name, node.stats());
    }
    return new Reading(
        self, cpu, stats, redisTicks, RedisCounters.read(redis), PostgresAdmin.counters(storeUrl));
  }

  @Override
  public void close() {
    stopB();
    if (a != null) {
      a.close();
    }
    redis.close();
    PostgresAdmin.dropSchema(storeUrl);
  }
}
