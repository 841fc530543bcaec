package io.opencardkit.bus.redis;

import java.util.Optional;

/**
 * Turns what arrives on the node's channels into listener callbacks: unwraps the envelope and drops the node's own
 * broadcasts, which Redis delivers to every subscriber of the channel, the sender included.
 */
final class Inbox {
  private final String nodeId;
  private final String broadcastChannel;
  private final ListenerThread listener;
  private final BusCounters counters;

  Inbox(String nodeId, BusChannels channels, ListenerThread listener, BusCounters counters) {
    this.nodeId = nodeId;
    this.broadcastChannel = channels.all();
    this.listener = listener;
    this.counters = counters;
  }

  /** Handles {@code payload}, which arrived on {@code channel} (bus context). */
  void accept(String channel, String payload) {
    Optional<Envelope> envelope = Envelope.decode(payload);
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
}
