package io.opencardkit.bus.redis;

import java.util.List;

/**
 * The Redis channels of one deployment: {@code <prefix>:all} for broadcasts, {@code
 * <prefix>:node:<id>} per node.
 */
record BusChannels(String prefix) {

  /** The channel every node subscribes to. */
  String all() {
    return prefix + ":all";
  }

  /** The channel of directed messages to {@code nodeId}. */
  String node(String nodeId) {
    return prefix + ":node:" + nodeId;
  }

  /** The channels the node {@code nodeId} listens on. */
  List<String> listenedBy(String nodeId) {
    return List.of(all(), node(nodeId));
  }
}
