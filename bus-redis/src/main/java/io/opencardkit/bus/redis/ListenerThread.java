package io.opencardkit.bus.redis;

import io.opencardkit.core.bus.ClusterBus;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that calls the bus's listener. Callbacks run one at a time, in the order the bus
 * handed them over, so a listener may block briefly without stalling the event loop that reads from
 * Redis.
 */
final class ListenerThread {
  /* Implementation notes
   *
   * Only the bus's context calls deliver() and reconnected(), so lossPending needs no lock. The queue is bounded:
   * a message that finds it full is dropped (LISTENER_BEHIND), and the next callback that fits is reconnected(),
   * the port's one way of saying "messages may be lost, resynchronise".
   *
   * close() empties the queue and posts STOP: the callback in progress finishes, none after it runs.
   */
  private static final Logger LOG = LoggerFactory.getLogger(ListenerThread.class);

  @SuppressWarnings("UnnecessaryLambda") // a sentinel compared by identity, never run
  private static final Runnable STOP = () -> {};

  private final BlockingQueue<Runnable> callbacks;
  private final BusCounters counters;
  private final String threadName;
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private volatile ClusterBus.Listener listener; // null until listen()
  private volatile boolean closed;
  private Thread thread; // null until listen(); guarded by this
  private boolean lossPending; // a message was dropped and reconnected() has not been queued since

  ListenerThread(String threadName, int capacity, BusCounters counters) {
    this.threadName = threadName;
    this.callbacks = new LinkedBlockingQueue<>(capacity);
    this.counters = counters;
  }

  /**
   * Starts calling {@code listener}; does nothing once closed.
   *
   * @throws IllegalStateException if a listener was already given
   */
  synchronized void start(ClusterBus.Listener listener) {
    if (this.listener != null) {
      throw new IllegalStateException("listen() may be called once");
    }
    if (closed) {
      return;
    }
    this.listener = listener;
    thread = new Thread(this::run, threadName);
    thread.setDaemon(true); // a bus nobody closed must not keep the JVM alive
    thread.start();
  }

  /** Messages received and not yet handed to the listener (any thread). */
  int waiting() {
    return callbacks.size();
  }

  /** Queues {@code message} for the listener (bus context only). */
  void deliver(String fromNode, String message) {
    ClusterBus.Listener target = listener;
    if (closed) {
      return;
    }
    if (target == null) {
      counters.dropped(DropReason.NO_LISTENER);
      return;
    }
    if (lossPending) {
      reconnected();
    }
    if (lossPending || !callbacks.offer(() -> target.received(fromNode, message))) {
      lossPending = true;
      counters.dropped(DropReason.LISTENER_BEHIND);
      return;
    }
    counters.received();
  }

  /** Queues {@code reconnected()} for the listener, if there is one (bus context only). */
  void reconnected() {
    ClusterBus.Listener target = listener;
    if (target != null && !closed) {
      lossPending = !callbacks.offer(target::reconnected);
    }
  }

  /**
   * Stops the thread after the callback in progress; queued callbacks are discarded. Idempotent.
   */
  synchronized void close() {
    closed = true;
    if (thread == null) {
      stopped.complete(null);
      return;
    }
    do {
      callbacks.clear();
    } while (!callbacks.offer(STOP));
  }

  /** Completes when the thread has ended (at once if it never started). */
  CompletableFuture<Void> stopped() {
    return stopped;
  }

  private void run() {
    try {
      for (Runnable callback = callbacks.take();
          callback != STOP && !closed;
          callback = callbacks.take()) {
        runGuarded(callback);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      stopped.complete(null);
    }
  }

  private void runGuarded(Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException e) {
      long failures = counters.listenerFailed();
      if (Long.bitCount(failures)
          == 1) { // 1st, 2nd, 4th, 8th…: a listener that always throws cannot flood the log
        LOG.warn(
            "Cluster bus listener threw (failure number {}); the bus goes on with the next message",
            failures,
            e);
      }
    }
  }
}
