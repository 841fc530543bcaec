package io.opencardkit.bus.redis;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded FIFO between the threads that send and the context that publishes. Offering never blocks: a full
 * queue refuses. Messages one thread offers come out in that thread's order, which is what per-sender order needs.
 */
final class SendQueue {
  private final Queue<Outgoing> messages = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger(); // reserved before adding, so it never exceeds capacity
  private final int capacity;

  SendQueue(int capacity) {
    this.capacity = capacity;
  }

  /** Adds {@code message} unless the queue is full; returns whether it was added. */
  boolean offer(Outgoing message) {
    if (size.incrementAndGet() > capacity) {
      size.decrementAndGet();
      return false;
    }
    messages.add(message);
    return true;
  }

  /** The oldest message, or null when there is none. */
  Outgoing poll() {
    Outgoing message = messages.poll();
    if (message != null) {
      size.decrementAndGet();
    }
    return message;
  }

  /** Removes every message and returns how many there were. */
  int clear() {
    int removed = 0;
    while (poll() != null) {
      removed++;
    }
    return removed;
  }
}
