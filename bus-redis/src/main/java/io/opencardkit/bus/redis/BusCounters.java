package io.opencardkit.bus.redis;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The bus's live counters; any thread may count (senders count their drops). */
final class BusCounters {
  private final LongAdder broadcastsSent = new LongAdder();
  private final LongAdder directSent = new LongAdder();
  private final LongAdder received = new LongAdder();
  private final LongAdder ownBroadcastsSkipped = new LongAdder();
  private final LongAdder reconnections = new LongAdder();
  private final LongAdder listenerFailures = new LongAdder();
  private final Map<DropReason, LongAdder> dropped = new EnumMap<>(DropReason.class);

  BusCounters() {
    for (DropReason reason : DropReason.values()) {
      dropped.put(reason, new LongAdder()); // filled once here, so concurrent reads need no lock
    }
  }

  void broadcastSent() {
    broadcastsSent.increment();
  }

  void directSent() {
    directSent.increment();
  }

  void received() {
    received.increment();
  }

  void ownBroadcastSkipped() {
    ownBroadcastsSkipped.increment();
  }

  void reconnected() {
    reconnections.increment();
  }

  /** Counts a failed callback and returns how many have failed so far. */
  long listenerFailed() {
    listenerFailures.increment();
    return listenerFailures.sum();
  }

  void dropped(DropReason reason) {
    dropped.get(reason).increment();
  }

  void dropped(DropReason reason, int count) {
    dropped.get(reason).add(count);
  }

  RedisBusStats snapshot() {
    Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
    dropped.forEach((reason, count) -> drops.put(reason, count.sum()));
    return new RedisBusStats(
        broadcastsSent.sum(),
        directSent.sum(),
        received.sum(),
        ownBroadcastsSkipped.sum(),
        drops,
        reconnections.sum(),
        listenerFailures.sum());
  }
}
