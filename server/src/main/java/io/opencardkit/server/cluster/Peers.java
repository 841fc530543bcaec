package io.opencardkit.server.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The other nodes this node hears on the cluster bus, and when it may have missed batches they
 * committed: a node fell silent (nothing heard for {@value #SILENCE_MILLIS} ms: it died, froze or
 * lost the bus, possibly between a commit and its broadcast), a silent node is heard again (what it
 * committed meanwhile was not heard), or a node's batch messages arrive with a gap in their numbers
 * (the bus dropped some).
 *
 * <p>Implementation notes: every node broadcasts at least every {@value
 * ReplicatingStore#HEARTBEAT_MILLIS} ms (its batches, else a heartbeat) and numbers its batch
 * messages 1, 2, 3…; a heartbeat repeats the number of the last one. A message that carries no
 * number (a bot delivery, say) still shows the node is alive. Thread-safe under one lock: the bus's
 * thread reports messages, a timer asks who fell silent. Time comes from a monotonic ticker (it is
 * about the network, not the engine's clock that tests move). Nodes silent for {@value
 * #FORGET_MILLIS} ms are forgotten: a node id lives as long as its process, so the map does not
 * grow with restarts.
 */
final class Peers {
  static final long SILENCE_MILLIS = 2_000;
  static final long FORGET_MILLIS = TimeUnit.HOURS.toMillis(24);

  private static final class Peer {
    long heardNanos;
    long number = -1; // of the last batch message heard; -1 when unknown
    boolean silent;
  }

  private final LongSupplier nanos;
  private final Map<String, Peer> peers = new HashMap<>();

  /**
   * @param nanos a monotonic ticker in nanoseconds ({@code System::nanoTime})
   */
  Peers(LongSupplier nanos) {
    this.nanos = nanos;
  }

  /**
   * A message from {@code node}. {@code number} is the number of its batch message, or for a
   * heartbeat the number of its last batch message, or -1 when the message carries none.
   *
   * @return whether this node may have missed batches of {@code node}: it had fallen silent, or
   *     numbers are missing
   */
  synchronized boolean heard(String node, long number, boolean batch) {
    Peer peer = peers.get(node);
    if (peer == null) {
      peer = new Peer();
      peers.put(
          node, peer); // a node heard for the first time: nothing before this can be told missing
    }
    boolean missed = peer.silent;
    peer.silent = false;
    peer.heardNanos = nanos.getAsLong();
    if (number >= 0) {
      long expected = batch ? peer.number + 1 : peer.number;
      missed |= peer.number >= 0 && number > expected;
      peer.number = Math.max(peer.number, number);
    }
    return missed;
  }

  /** The nodes that fell silent since the last call (each reported once until heard again). */
  synchronized List<String> fallenSilent() {
    long now = nanos.getAsLong();
    List<String> silent = new ArrayList<>();
    for (Iterator<Map.Entry<String, Peer>> it = peers.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Peer> entry = it.next();
      Peer peer = entry.getValue();
      long quietMillis = TimeUnit.NANOSECONDS.toMillis(now - peer.heardNanos);
      if (quietMillis >= FORGET_MILLIS) {
        it.remove();
      } else if (!peer.silent && quietMillis >= SILENCE_MILLIS) {
        peer.silent = true;
        silent.add(entry.getKey());
      }
    }
    return silent;
  }

  /**
   * This node's bus reconnected and catches up from the database: numbers heard next are no gap of
   * its own.
   */
  synchronized void forgetNumbers() {
    peers.values().forEach(peer -> peer.number = -1);
  }
}
