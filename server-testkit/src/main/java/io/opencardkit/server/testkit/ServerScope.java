package io.opencardkit.server.testkit;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * One server of {@link OpenCardKitTest} (per test or per class) and what was handed out of it: each
 * type is made once per scope ({@link Injectables}), and what needs closing is closed, last made
 * first, before the server stops. (JUnit closes an {@link AutoCloseable} in its store when the
 * store's test or class ends.)
 */
final class ServerScope implements AutoCloseable {
  private final TestServer server;
  private final TestCluster cluster; // null for one server
  private final Clock clock;
  private final Map<Class<?>, Object> made = new HashMap<>();
  private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
  private boolean closed;

  ServerScope(TestServer server, Clock clock) {
    this.server = server;
    this.cluster = null;
    this.clock = clock;
  }

  /** A scope over a cluster: its node 0 is the scope's server. */
  ServerScope(TestCluster cluster, Clock clock) {
    this.server = cluster.server(0);
    this.cluster = cluster;
    this.clock = clock;
  }

  TestServer server() {
    return server;
  }

  /** The cluster, when the test class asked for {@code nodes} of 2 or more. */
  TestCluster cluster() {
    if (cluster == null) {
      throw new IllegalStateException(
          "this test runs one server: @OpenCardKitTest(nodes = 2) starts a cluster");
    }
    return cluster;
  }

  /** The server's clock, when the test class asked for a {@link MutableClock}. */
  MutableClock mutableClock() {
    if (!(clock instanceof MutableClock)) {
      throw new IllegalStateException("this server runs on the system clock");
    }
    return (MutableClock) clock;
  }

  /**
   * Closes {@code resource} when the scope ends (for injected types that hold connections); returns
   * it.
   */
  <T extends AutoCloseable> T closeAtEnd(T resource) {
    toClose.push(resource);
    return resource;
  }

  synchronized Object get(Class<?> type) {
    Object value = made.get(type);
    if (value == null) {
      value = Injectables.make(type, this);
      made.put(type, value);
    }
    return value;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException failed = null;
    try {
      while (!toClose.isEmpty()) {
        try {
          toClose.pop().close();
        } catch (Exception e) { // the others and the server are still closed
          if (failed == null) {
            failed = new IllegalStateException("closing what a test was given failed", e);
          } else {
            failed.addSuppressed(e);
          }
        }
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      } else {
        server.close();
      }
    }
    if (failed != null) {
      throw failed;
    }
  }
}
