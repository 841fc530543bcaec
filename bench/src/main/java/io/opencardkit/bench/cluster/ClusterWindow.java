package io.opencardkit.bench.cluster;

import io.opencardkit.bench.CpuMeter;
import io.opencardkit.bench.PostgresAdmin;
import io.opencardkit.bench.ProcessCpu;
import io.opencardkit.bench.process.ServerProcess;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the cluster did between two {@link Cluster.Reading}s: CPU of each node (by thread group,
 * with its GC pauses and memory), of PostgreSQL, of redis-server, of the load generator (this JVM)
 * and of everything else on the machine; and the nodes', Redis's and PostgreSQL's counters.
 */
record ClusterWindow(
    double seconds,
    Map<String, ServerProcess.Usage> nodes,
    double loadGeneratorCores,
    double postgresCores,
    double redisCores,
    double otherCores,
    NodeStats stats,
    RedisCounters redis,
    PostgresAdmin.Counters postgres) {

  static ClusterWindow between(
      CpuMeter meter,
      Cluster.Reading a,
      Cluster.Reading b,
      java.util.function.Function<String, NodeProcess> nodeProcess) {
    CpuMeter.Usage self = meter.between(a.loadGenerator(), b.loadGenerator());
    double seconds = self.wallSeconds();
    Map<String, ServerProcess.Usage> nodes = new LinkedHashMap<>();
    NodeStats stats = NodeStats.ZERO;
    double nodeCores = 0;
    for (String name : b.nodeCpu().keySet()) {
      ServerProcess.Usage usage =
          nodeProcess.apply(name).between(a.nodeCpu().get(name), b.nodeCpu().get(name));
      nodes.put(name, usage);
      nodeCores += usage.cores();
      stats = stats.plus(b.nodeStats().get(name).minus(a.nodeStats().get(name)));
    }
    double redis =
        a.redisTicks() < 0
            ? Double.NaN
            : (b.redisTicks() - a.redisTicks()) / ProcessCpu.TICKS_PER_SECOND / seconds;
    // CpuMeter's "other processes" leaves out this JVM and PostgreSQL; the nodes and redis-server
    // are ours too.
    double other =
        Math.max(0, self.otherProcessesCores() - nodeCores - (Double.isNaN(redis) ? 0 : redis));
    return new ClusterWindow(
        seconds,
        nodes,
        self.processCores(),
        self.postgresCores(),
        redis,
        other,
        stats,
        b.redis().minus(a.redis()),
        b.postgres().minus(a.postgres()));
  }

  /** All nodes' processes together. */
  double nodeCores() {
    return nodes.values().stream().mapToDouble(ServerProcess.Usage::cores).sum();
  }
}
