package io.opencardkit.bus.redis;

import java.util.Map;

/**
 * A snapshot of the bus's counters since it started, for operators and benchmarks.
 *
 * @param broadcastsSent broadcasts Redis confirmed
 * @param directSent directed messages Redis confirmed and counted a receiver for
 * @param received messages of other nodes handed to the listener
 * @param ownBroadcastsSkipped this node's broadcasts that Redis echoed back, dropped by their first
 *     bytes, undecoded
 * @param dropped messages dropped, by reason (every reason present, zero included)
 * @param reconnections times the bus listened again after being down
 * @param listenerFailures callbacks that threw (the bus went on with the next one)
 */
public record RedisBusStats(
    long broadcastsSent,
    long directSent,
    long received,
    long ownBroadcastsSkipped,
    Map<DropReason, Long> dropped,
    long reconnections,
    long listenerFailures) {

  /** Copies {@code dropped}. */
  public RedisBusStats {
    dropped = Map.copyOf(dropped);
  }

  /** Messages dropped for {@code reason}. */
  public long dropped(DropReason reason) {
    return dropped.getOrDefault(reason, 0L);
  }

  /** Messages dropped for any reason. */
  public long droppedTotal() {
    return dropped.values().stream().mapToLong(Long::longValue).sum();
  }
}
