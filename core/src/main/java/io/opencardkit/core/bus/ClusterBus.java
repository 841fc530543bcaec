package io.opencardkit.core.bus;

/**
 * The bus port: how the nodes of one OpenCardKit deployment tell each other what they committed and
 * ask each other to deliver to a bot whose long connection they hold. Messages are opaque strings
 * (the server encodes JSON).
 *
 * <p>One node runs with the in-process bus ({@link #local()}), which has nobody to talk to. Several
 * nodes share Redis (module {@code bus-redis}).
 *
 * <p>Guarantees an implementation must give:
 *
 * <ul>
 *   <li>At most once: a message may be lost (while the bus is disconnected), never duplicated or
 *       altered.
 *   <li>Per-sender order: messages of one node reach every other node in the order that node sent
 *       them (calls made from one thread, or ordered by happens-before, count as ordered).
 *   <li>No echo: a node never receives its own broadcasts.
 *   <li>{@link #broadcast} and {@link #send} never block and never throw for a bus that is down:
 *       they drop the message (the receivers learn of the loss through {@link
 *       Listener#reconnected()}).
 *   <li>After a connection loss the implementation reconnects by itself, with backoff, for as long
 *       as it is open, and calls {@link Listener#reconnected()} once it listens again, so the node
 *       can resynchronise from the database whatever it may have missed.
 * </ul>
 */
public interface ClusterBus extends AutoCloseable {

  /** This node's id: unique among the nodes sharing the bus, stable for the life of the process. */
  String nodeId();

  /** Sends {@code message} to every other node. */
  void broadcast(String message);

  /** Sends {@code message} to the node {@code nodeId} only (dropped when no such node listens). */
  void send(String nodeId, String message);

  /**
   * Starts delivering to {@code listener} the broadcasts of other nodes and the messages sent to
   * this node. Call once, before the first broadcast; callbacks run on a thread of the bus, one at
   * a time, in arrival order.
   */
  void listen(Listener listener);

  /** Whether the bus is connected now (false while it reconnects). */
  boolean connected();

  /** Stops listening and closes the connections; later broadcasts are dropped. */
  @Override
  void close();

  /** Receives what other nodes sent. */
  interface Listener {
    /** One message from another node ({@code fromNode}). */
    void received(String fromNode, String message);

    /** The bus was disconnected and listens again: messages sent meanwhile may be lost. */
    void reconnected();
  }

  /** The bus of a deployment with one node: nothing to send to, nothing to receive. */
  static ClusterBus local() {
    return LocalBus.INSTANCE;
  }
}
