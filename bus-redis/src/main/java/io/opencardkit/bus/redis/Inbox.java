package io.opencardkit.bus.redis;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Turns what arrives on the node's channels into listener callbacks: unwraps the envelope and drops
 * the node's own broadcasts, which Redis delivers to every subscriber of the channel, the sender
 * included. An own broadcast is told by its first bytes (this node's id and the newline) and
 * dropped before anything is decoded: a node never turns its own batches back into text
 * (docs/design-decisions.md, "No read-back of own broadcasts").
 */
final class Inbox {
  private final String nodeId;
  private final byte[] ownPrefix; // the node id and the newline, as its broadcasts start
  private final String broadcastChannel;
  private final ListenerThread listener;
  private final BusCounters counters;

  Inbox(String nodeId, BusChannels channels, ListenerThread listener, BusCounters counters) {
    this.nodeId = nodeId;
    this.ownPrefix = (nodeId + '\n').getBytes(StandardCharsets.UTF_8);
    this.broadcastChannel = channels.all();
    this.listener = listener;
    this.counters = counters;
  }

  /** Handles {@code payload}, which arrived on {@code channel} (bus context). */
  void accept(String channel, Buffer payload) {
    if (channel.equals(broadcastChannel) && startsWithOwnPrefix(payload)) {
      counters
          .ownBroadcastSkipped(); // Redis echoes every broadcast to its sender: dropped undecoded
      return;
    }
    Optional<Envelope> envelope = Envelope.decode(payload.toString(StandardCharsets.UTF_8));
    if (envelope.isEmpty()) {
      counters.dropped(DropReason.MALFORMED);
      return;
    }
    String fromNode = envelope.get().fromNode();
    if (fromNode.equals(nodeId) && channel.equals(broadcastChannel)) {
      return; // our own broadcast: no echo (a directed message to ourselves is delivered)
    }
    listener.deliver(fromNode, envelope.get().message());
  }

  private boolean startsWithOwnPrefix(Buffer payload) {
    if (payload.length() < ownPrefix.length) {
      return false;
    }
    for (int i = 0; i < ownPrefix.length; i++) {
      if (payload.getByte(i) != ownPrefix[i]) {
        return false;
      }
    }
    return true;
  }
}
