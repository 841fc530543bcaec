package io.opencardkit.bench.cluster;

import java.util.HashMap;
import java.util.Map;

/**
 * A node's counters at one moment, as {@link ClusterNode} prints them; -1 each when the node cannot
 * tell (it runs the server jar, {@link #UNKNOWN}).
 *
 * @param commits transactions of the node's store writer that committed batches
 * @param batches batches (one per accepted API change) those transactions committed
 * @param viewers open viewer sockets
 * @param skipped card frames not written to a full socket (a snapshot follows)
 * @param snapshots snapshot frames written
 * @param slowClosed sockets closed because even their message frames piled up
 */
record NodeStats(
    long commits, long batches, long viewers, long skipped, long snapshots, long slowClosed) {
  static final NodeStats ZERO = new NodeStats(0, 0, 0, 0, 0, 0);
  static final NodeStats UNKNOWN = new NodeStats(-1, -1, -1, -1, -1, -1);

  /** Reads {@code okc-node-stats commits=1 batches=2 …}. */
  static NodeStats parse(String line) {
    Map<String, Long> fields = new HashMap<>();
    for (String part : line.substring(ClusterNode.STATS.length()).trim().split("\\s+")) {
      int eq = part.indexOf('=');
      fields.put(part.substring(0, eq), Long.parseLong(part.substring(eq + 1)));
    }
    return new NodeStats(
        fields.get("commits"),
        fields.get("batches"),
        fields.get("viewers"),
        fields.get("skipped"),
        fields.get("snapshots"),
        fields.get("slow_closed"));
  }

  boolean known() {
    return commits >= 0;
  }

  /**
   * {@code this − before} for the counters; the open sockets as they are now; unknown if either is.
   */
  NodeStats minus(NodeStats before) {
    if (!known() || !before.known()) {
      return UNKNOWN;
    }
    return new NodeStats(
        commits - before.commits,
        batches - before.batches,
        viewers,
        skipped - before.skipped,
        snapshots - before.snapshots,
        slowClosed - before.slowClosed);
  }

  NodeStats plus(NodeStats o) {
    if (!known() || !o.known()) {
      return UNKNOWN;
    }
    return new NodeStats(
        commits + o.commits,
        batches + o.batches,
        viewers + o.viewers,
        skipped + o.skipped,
        snapshots + o.snapshots,
        slowClosed + o.slowClosed);
  }
}
