package io.opencardkit.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NodeStatsTest {
  @Test
  void readsTheNodesLine() {
    assertThat(
            NodeStats.parse(
                "okc-node-stats commits=3 batches=40 viewers=200 skipped=1 snapshots=2 slow_closed=0"))
        .isEqualTo(new NodeStats(3, 40, 200, 1, 2, 0));
  }

  @Test
  void countersOfANodeThatCannotTellStayUnknownThroughTheArithmetic() {
    NodeStats known = new NodeStats(3, 40, 200, 1, 2, 0);

    assertThat(known.minus(NodeStats.UNKNOWN).known()).isFalse();
    assertThat(NodeStats.UNKNOWN.minus(NodeStats.UNKNOWN).known()).isFalse();
    assertThat(NodeStats.ZERO.plus(NodeStats.UNKNOWN).known()).isFalse();
    assertThat(known.minus(new NodeStats(1, 10, 100, 0, 0, 0)))
        .isEqualTo(new NodeStats(2, 30, 200, 1, 2, 0));
  }
}
