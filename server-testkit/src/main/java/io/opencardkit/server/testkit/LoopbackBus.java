package io.opencardkit.server.testkit;

import io.opencardkit.core.bus.ClusterBus;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The cluster bus of several nodes in one JVM, with the guarantees of the port (per-sender order,
 * no echo, at most once), and an outage switch per node: while a node is disconnected, what it
 * sends and what is sent to it is lost; when it reconnects, its listener hears {@code
 * reconnected()}.
 */
public final class LoopbackBus {
  private final Map<String, Node> nodes = new ConcurrentHashMap<>();

  /** A bus endpoint for a new node. */
  public ClusterBus join(String nodeId) {
    Node node = new Node(nodeId);
    nodes.put(nodeId, node);
    return node;
  }

  /** Cuts the node off: its messages and those meant for it are dropped. */
  public void disconnect(String nodeId) {
    nodes.get(nodeId).connected = false;
  }

  /** Connects the node again and tells its listener that it may have missed messages. */
  public void reconnect(String nodeId) {
    Node node = nodes.get(nodeId);
    node.connected = true;
    node.callbacks.execute(
        () -> {
          if (node.listener != null) {
            node.listener.reconnected();
          }
        });
  }

  private final class Node implements ClusterBus {
    private final String id;
    private final ExecutorService callbacks;
    private volatile ClusterBus.Listener listener;
    private volatile boolean connected = true;
    private volatile boolean closed;

    Node(String id) {
      this.id = id;
      this.callbacks =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "loopback-bus-" + id);
                t.setDaemon(true);
                return t;
              });
    }

    @Override
    public String nodeId() {
      return id;
    }

    @Override
    public void broadcast(String message) {
      if (connected && !closed) {
        nodes
            .values()
            .forEach(
                other -> {
                  if (other != this) {
                    other.deliver(id, message);
                  }
                });
      }
    }

    @Override
    public void send(String nodeId, String message) {
      Node other = nodes.get(nodeId);
      if (connected && !closed && other != null && other != this) {
        other.deliver(id, message);
      }
    }

    private void deliver(String from, String message) {
      if (!connected || closed) {
        return;
      }
      callbacks.execute(
          () -> {
            ClusterBus.Listener l = listener;
            if (l != null && connected && !closed) {
              l.received(from, message);
            }
          });
    }

    @Override
    public void listen(Listener listener) {
      this.listener = listener;
    }

    @Override
    public boolean connected() {
      return connected;
    }

    @Override
    public void close() {
      closed = true;
      nodes.remove(id, this);
      callbacks.shutdown();
    }
  }
}
