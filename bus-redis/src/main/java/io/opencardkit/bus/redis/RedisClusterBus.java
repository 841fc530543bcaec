package io.opencardkit.bus.redis;

import io.opencardkit.core.bus.ClusterBus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster bus over Redis pub/sub. Broadcasts go to the channel {@code <prefix>:all}, directed
 * messages to {@code <prefix>:node:<nodeId>}; each message travels as the sender's node id, a
 * newline, then the message. A node never hears its own broadcasts, but does hear a message it
 * sends to its own id.
 *
 * <p>{@link #start} returns at once and connects in the background (a node may start while Redis is
 * down); the bus subscribes to both of its channels as soon as it connects, so call {@link #listen}
 * right after {@code start}, before the node loads its state: what arrives before {@code listen} is
 * dropped ({@link DropReason#NO_LISTENER}).
 *
 * <p>Callbacks run on a thread of the bus's own, one at a time, in arrival order; a listener may
 * block briefly but should hand long work elsewhere, since the bus queues at most {@value
 * #LISTENER_QUEUE_CAPACITY} callbacks and then drops messages (and afterwards calls {@code
 * reconnected()} so the node resynchronises).
 *
 * <p>{@code reconnected()} is called each time the bus listens again after it was down: after a
 * lost connection, and also when it connects only after failed attempts at start, since the node
 * may have missed messages sent after it loaded its state. It is not called when the first attempt
 * succeeds.
 */
public final class RedisClusterBus implements ClusterBus {
  /* Implementation notes
   *
   * Threads. Senders (any thread) offer to a bounded SendQueue; the PublishPipeline drains it on the bus context
   * onto the one publisher connection, pipelined. One queue, one context and one connection keep each sender's
   * order up to Redis, and Redis delivers one connection's messages in order to each subscriber. The subscriber
   * connection's messages arrive on the bus context too; the Inbox drops our own broadcasts and hands the rest to
   * the ListenerThread. The bus context belongs to the SessionKeeper's own deployment, not to whoever called
   * start(). Closing Vert.x undeploys it too (connections and timers go; the listener thread ends with close()).
   *
   * Overload and outage never block a sender: a full send queue, a disconnected bus and a closed bus drop the
   * message and count it (stats()); nothing is logged per message.
   */
  /** The most messages waiting to be published; beyond it sends are dropped. */
  public static final int SEND_QUEUE_CAPACITY = 100_000;

  /**
   * The most characters of messages waiting to be published (32 Mi, about 64 MiB); beyond it sends
   * are dropped.
   */
  public static final long SEND_QUEUE_MAX_CHARS = 32L << 20;

  /** The most callbacks waiting for the listener; beyond it received messages are dropped. */
  public static final int LISTENER_QUEUE_CAPACITY = 100_000;

  private static final Logger LOG = LoggerFactory.getLogger(RedisClusterBus.class);

  private final Vertx vertx;
  private final String nodeId;
  private final BusChannels channels;
  private final BusCounters counters = new BusCounters();
  private final PublishPipeline pipeline;
  private final ListenerThread listenerThread;
  private final SessionKeeper keeper;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Promise<Void> terminated = Promise.promise();
  private final Future<String> deployment;

  private RedisClusterBus(Vertx vertx, RedisBusConfig config, Backoff backoff, LongSupplier nanos) {
    this.vertx = vertx;
    this.nodeId = config.nodeId().orElseGet(RedisClusterBus::randomNodeId);
    this.channels = new BusChannels(config.channelPrefix());
    this.pipeline =
        new PublishPipeline(new SendQueue(SEND_QUEUE_CAPACITY, SEND_QUEUE_MAX_CHARS), counters);
    this.listenerThread =
        new ListenerThread("opencardkit-bus-listener-" + nodeId, LISTENER_QUEUE_CAPACITY, counters);
    Inbox inbox = new Inbox(nodeId, channels, listenerThread, counters);
    this.keeper =
        new SessionKeeper(
            vertx,
            RedisSession.optionsFor(config),
            channels.listenedBy(nodeId),
            config.redacted(),
            backoff,
            pipeline,
            new SessionKeeper.Listener() {
              @Override
              public void resumed() {
                counters.reconnected();
                listenerThread.reconnected();
              }

              @Override
              public void message(String channel, io.vertx.core.buffer.Buffer payload) {
                inbox.accept(channel, payload);
              }
            },
            nanos);
    this.deployment = vertx.deployVerticle(keeper);
    deployment.onFailure(
        failure -> LOG.error("Cluster bus could not start: {}", RedisSession.describe(failure)));
  }

  /**
   * Starts a bus for {@code config} on {@code vertx}: it returns at once and connects in the
   * background, and keeps reconnecting until {@link #close()}. The node id is the URL's {@code
   * node}, else 12 random hex digits.
   */
  public static RedisClusterBus start(Vertx vertx, RedisBusConfig config) {
    return start(vertx, config, System::nanoTime);
  }

  /**
   * {@link #start(Vertx, RedisBusConfig)} with the monotonic ticker ({@code System.nanoTime}'s
   * scale) it times with.
   */
  static RedisClusterBus start(Vertx vertx, RedisBusConfig config, LongSupplier nanos) {
    return new RedisClusterBus(
        Objects.requireNonNull(vertx, "vertx"),
        Objects.requireNonNull(config, "config"),
        Backoff.standard(),
        Objects.requireNonNull(nanos, "nanos"));
  }

  private static String randomNodeId() {
    byte[] bytes = new byte[6];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public String nodeId() {
    return nodeId;
  }

  /**
   * {@inheritDoc} Returns at once; drops (and counts) the message when the bus is down or its queue
   * full.
   */
  @Override
  public void broadcast(String message) {
    Objects.requireNonNull(message, "message");
    if (accepting()) {
      enqueue(new Outgoing(channels.all(), Envelope.encode(nodeId, message), true));
    }
  }

  /**
   * {@inheritDoc} Returns at once; drops (and counts) the message when the bus is down or its queue
   * full.
   */
  @Override
  public void send(String nodeId, String message) {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(message, "message");
    if (accepting()) {
      enqueue(new Outgoing(channels.node(nodeId), Envelope.encode(this.nodeId, message), false));
    }
  }

  private boolean accepting() {
    if (closed.get()) {
      counters.dropped(DropReason.CLOSED);
      return false;
    }
    if (!keeper.connected()) {
      counters.dropped(DropReason.DISCONNECTED);
      return false;
    }
    return true;
  }

  private void enqueue(Outgoing message) {
    if (!pipeline.offer(message)) {
      counters.dropped(DropReason.SEND_QUEUE_FULL);
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException if a listener was already given
   */
  @Override
  public void listen(Listener listener) {
    listenerThread.start(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public boolean connected() {
    return !closed.get() && keeper.connected();
  }

  /** How many attempts to connect have failed since start. */
  long attemptsFailed() {
    return keeper.attemptsFailed();
  }

  /** The counters since start: messages sent, received and dropped (by reason), reconnections. */
  public RedisBusStats stats() {
    return counters.snapshot();
  }

  /**
   * Messages this node queued that Redis has not taken yet: how far its publishing lags (for
   * metrics).
   */
  public int sendQueueLength() {
    return pipeline.queued();
  }

  /**
   * Messages of other nodes received and not yet handled: how far this node lags behind the bus
   * (for metrics).
   */
  public int listenerQueueLength() {
    return listenerThread.waiting();
  }

  /**
   * {@inheritDoc} Returns at once (it may be called on an event loop); {@link #terminated()} tells
   * when the connections, timers and listener thread are gone. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    listenerThread.close();
    Future<Void> undeployed;
    try {
      undeployed =
          deployment
              .compose(vertx::undeploy)
              .otherwiseEmpty(); // never deployed, or Vert.x closed first, which undeployed it
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // Vert.x closed first: its event loops, which undeployed the bus, are gone
      undeployed = Future.succeededFuture();
    }
    Future.join(undeployed, Future.fromCompletionStage(listenerThread.stopped()))
        .onComplete(done -> terminated.tryComplete());
    LOG.info("Cluster bus of node {} closed", nodeId);
  }

  /**
   * Completes once {@link #close()} has closed the connections, cancelled the timers and ended the
   * thread.
   */
  public Future<Void> terminated() {
    return terminated.future();
  }
}
