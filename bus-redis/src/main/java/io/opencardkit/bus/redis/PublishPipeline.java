package io.opencardkit.bus.redis;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.redis.client.Response;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes what the senders queued, in queue order, on the bus context: pipelined, with as many
 * PUBLISHes waiting for their answers at once as {@link RedisSession#canPublish()} allows. One
 * context and one connection keep the queue's order all the way to Redis. Without a session, what
 * is queued is dropped.
 */
final class PublishPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(PublishPipeline.class);

  private final SendQueue queue;
  private final BusCounters counters;
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private volatile Context
      context; // null until the bus is deployed; nothing is offered before it connects
  private RedisSession session; // context only; null while down
  private boolean
      refusalLogged; // once per session: an ACL that denies a channel denies every message

  PublishPipeline(SendQueue queue, BusCounters counters) {
    this.queue = queue;
    this.counters = counters;
  }

  /** Sets the bus context, where every drain runs. */
  void bind(Context busContext) {
    context = busContext;
  }

  /** Messages queued and not yet handed to Redis (any thread). */
  int queued() {
    return queue.size();
  }

  /**
   * Queues {@code message} and makes sure a drain follows; any thread. Returns false when the queue
   * is full.
   */
  boolean offer(Outgoing message) {
    if (!queue.offer(message)) {
      return false;
    }
    Context busContext = context;
    if (busContext != null && drainScheduled.compareAndSet(false, true)) {
      busContext.runOnContext(scheduled -> drain());
    }
    return true;
  }

  /** Starts publishing on {@code opened} (bus context). */
  void attach(RedisSession opened) {
    session = opened;
    refusalLogged = false;
    drain();
  }

  /** Stops publishing: the session was lost, what is queued is dropped (bus context). */
  void detach() {
    session = null;
    counters.dropped(DropReason.DISCONNECTED, queue.clear());
  }

  private void drain() {
    drainScheduled.set(false); // before polling: an offer from now on schedules another drain
    RedisSession open = session;
    if (open == null) {
      counters.dropped(DropReason.DISCONNECTED, queue.clear());
      return;
    }
    while (open.canPublish()) {
      Outgoing message = queue.poll();
      if (message == null) {
        return;
      }
      open.publish(message.channel(), message.payload())
          .onComplete(answer -> answered(open, message, answer));
    }
  }

  private void answered(RedisSession from, Outgoing message, AsyncResult<Response> answer) {
    if (answer.failed()) {
      failed(answer.cause());
    } else if (message.broadcast()) {
      counters.broadcastSent();
    } else if (answer.result().toInteger() == 0) {
      counters.dropped(DropReason.NO_SUCH_NODE);
    } else {
      counters.directSent();
    }
    if (from == session) {
      drain(); // an answer freed a slot in the pipeline
    }
  }

  private void failed(Throwable failure) {
    if (!RedisSession.isErrorReply(failure)) {
      counters.dropped(DropReason.UNCONFIRMED);
      return;
    }
    counters.dropped(DropReason.REFUSED);
    if (!refusalLogged) {
      refusalLogged = true;
      LOG.warn(
          "Redis refuses the cluster bus's PUBLISH: {}; such messages are dropped",
          failure.getMessage());
    }
  }
}
