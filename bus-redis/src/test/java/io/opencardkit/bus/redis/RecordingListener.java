package io.opencardkit.bus.redis;

import io.opencardkit.core.bus.ClusterBus;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A listener that records what it hears, and on which threads, for tests to wait on and inspect.
 */
final class RecordingListener implements ClusterBus.Listener {
  /** One callback: a message from a node, or (fromNode null) a reconnected() call. */
  record Heard(String fromNode, String message) {
    static final Heard RECONNECTED = new Heard(null, null);
  }

  private final List<Heard> heard = new ArrayList<>(); // guarded by this
  private final AtomicInteger reconnections = new AtomicInteger();
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

  @Override
  public synchronized void received(String fromNode, String message) {
    threads.add(Thread.currentThread());
    heard.add(new Heard(fromNode, message));
  }

  @Override
  public synchronized void reconnected() {
    threads.add(Thread.currentThread());
    reconnections.incrementAndGet();
    heard.add(Heard.RECONNECTED);
  }

  /** The messages heard so far, in order, without reconnected() calls. */
  synchronized List<String> messages() {
    List<String> messages = new ArrayList<>();
    for (Heard one : heard) {
      if (!Heard.RECONNECTED.equals(one)) {
        messages.add(one.message());
      }
    }
    return messages;
  }

  /** Every callback so far, in order. */
  synchronized List<Heard> heard() {
    return List.copyOf(heard);
  }

  int reconnections() {
    return reconnections.get();
  }

  Set<Thread> threads() {
    return Set.copyOf(threads);
  }

  /** Waits until {@code message} was heard. */
  void awaitMessage(String message) {
    Await.until(
        "message '" + abbreviated(message) + "' heard",
        () -> messages().contains(message),
        this::summary);
  }

  /** Waits until {@code count} messages were heard. */
  void awaitMessages(int count) {
    Await.until(count + " messages heard", () -> messages().size() >= count, this::summary);
  }

  /** Waits until reconnected() was called at least {@code count} times. */
  void awaitReconnections(int count) {
    Await.until(count + " reconnected() calls", () -> reconnections() >= count, this::summary);
  }

  private String summary() {
    List<String> messages = messages();
    return messages.size()
        + " messages (last: "
        + (messages.isEmpty() ? "-" : abbreviated(messages.get(messages.size() - 1)))
        + "), "
        + reconnections()
        + " reconnected() calls";
  }

  private static String abbreviated(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "…";
  }
}
