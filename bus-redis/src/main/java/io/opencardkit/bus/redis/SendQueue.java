package io.opencardkit.bus.redis;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bounded FIFO between the threads that send and the context that publishes. It holds at most a
 * number of messages and a number of characters (messages run from a few bytes to about 100 KB, so
 * a count alone would not bound the memory). Offering never blocks: a full queue refuses. Messages
 * one thread offers come out in that thread's order, which is what per-sender order needs.
 */
final class SendQueue {
  private final Queue<Outgoing> messages = new ConcurrentLinkedQueue<>();
  private final AtomicInteger count =
      new AtomicInteger(); // reserved before adding, so never above maxMessages
  private final AtomicLong chars = new AtomicLong(); // likewise, never above maxChars
  private final int maxMessages;
  private final long maxChars;

  SendQueue(int maxMessages, long maxChars) {
    this.maxMessages = maxMessages;
    this.maxChars = maxChars;
  }

  /** Adds {@code message} unless the queue is full; returns whether it was added. */
  boolean offer(Outgoing message) {
    int length = message.payload().length();
    if (count.incrementAndGet() > maxMessages) {
      count.decrementAndGet();
      return false;
    }
    if (chars.addAndGet(length) > maxChars) {
      chars.addAndGet(-length);
      count.decrementAndGet();
      return false;
    }
    messages.add(message);
    return true;
  }

  /** The oldest message, or null when there is none. */
  Outgoing poll() {
    Outgoing message = messages.poll();
    if (message != null) {
      chars.addAndGet(-message.payload().length());
      count.decrementAndGet();
    }
    return message;
  }

  /** Messages waiting to be published. */
  int size() {
    return count.get();
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
