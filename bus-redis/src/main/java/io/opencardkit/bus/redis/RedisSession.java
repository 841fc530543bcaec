package io.opencardkit.bus.redis;

import io.vertx.core.CompositeFuture;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.List;

/**
 * One connection of the bus to Redis: a Redis client of its own holding two connections, a
 * publisher and a subscriber listening on the node's channels. A session is never repaired: when
 * either connection fails it is lost as a whole, and the keeper opens a new one. Its own client
 * means closing it cannot leave a socket behind.
 *
 * <p>Used on the bus context only.
 */
final class RedisSession {
  /** What a session reports, on the bus context. */
  interface Events {
    /**
     * A message arrived on one of the node's channels; {@code payload} is its bytes, not decoded
     * yet.
     */
    void message(String channel, Buffer payload);

    /** The open session failed; it has closed itself. Called at most once. */
    void lost(RedisSession session, String reason);
  }

  /**
   * Commands in flight on the publisher (pipelined); Vert.x refuses more than its waiting-handler
   * limit.
   */
  static final int MAX_UNANSWERED = 1_000;

  /**
   * Characters of messages in flight. With large messages the count alone would put up to 100 MB on
   * the wire, and the heartbeat's PING, queued behind them, could time out on a slow network.
   */
  static final long MAX_UNANSWERED_CHARS = 1L << 20;

  private static final int CONNECT_TIMEOUT_MILLIS = 2_000;

  private final Vertx vertx;
  private final Redis client;
  private final Events events;
  private final Promise<Void> subscribed = Promise.promise();
  private CompositeFuture connecting; // both connections with their handshakes; null until open()
  private RedisConnection publisher; // null while opening
  private int unconfirmedChannels;
  private int unanswered;
  private long unansweredChars;
  private boolean finished; // lost or closed: reports nothing more
  private Future<Void> closing; // null until close()

  RedisSession(Vertx vertx, RedisOptions options, Events events) {
    this.vertx = vertx;
    this.client = Redis.createClient(vertx, options);
    this.events = events;
  }

  /**
   * The client options for {@code config}: credentials apart from the address, so no log line can
   * show them.
   */
  static RedisOptions optionsFor(RedisBusConfig config) {
    RedisOptions options =
        new RedisOptions()
            .setConnectionString(
                (config.tls() ? "rediss://" : "redis://") + config.host() + ':' + config.port())
            .setMaxPoolSize(2)
            .setMaxWaitingHandlers(2 * MAX_UNANSWERED)
            .setPoolRecycleTimeout(
                -1) // the two connections are held for the session's life, never recycled
            .setPoolCleanerInterval(-1);
    config.user().ifPresent(options::setUser);
    if (config.hasPassword()) {
      options.setPassword(config.password());
    }
    options.getNetClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
    if (config.tls()) {
      options.getNetClientOptions().setSsl(true).setHostnameVerificationAlgorithm("HTTPS");
    }
    return options;
  }

  /**
   * Connects both connections and subscribes to {@code channels}; completes once Redis confirmed
   * every channel. On failure the session has closed itself. Call once.
   */
  Future<Void> open(List<String> channels) {
    unconfirmedChannels = channels.size();
    connecting =
        Future.join(client.connect(), client.connect()); // join: settles only when both have
    connecting
        .compose(
            connections -> {
              if (finished) { // abandoned meanwhile: closing the client closed these sockets
                return Future.failedFuture("the session was closed");
              }
              publisher = watch(connections.resultAt(0), "publisher");
              RedisConnection subscriber = watch(connections.resultAt(1), "subscriber");
              subscriber.handler(this::onSubscriberResponse);
              Request subscribe = Request.cmd(Command.SUBSCRIBE);
              channels.forEach(subscribe::arg);
              // Completes once written; Redis confirms each channel with a message of its own.
              return subscriber.send(subscribe);
            })
        .onFailure(failure -> abandon(describe(failure)));
    // Not the chain above: abandon() must end an attempt that still waits for a socket or a
    // handshake.
    return subscribed.future();
  }

  private RedisConnection watch(RedisConnection connection, String role) {
    return connection
        .exceptionHandler(
            failure -> abandon("the " + role + " connection failed: " + describe(failure)))
        .endHandler(end -> abandon("the " + role + " connection was closed"));
  }

  private void onSubscriberResponse(Response response) {
    if (response.type() == ResponseType.ERROR) {
      abandon("Redis refused the subscription: " + response);
      return;
    }
    boolean pubSubMessage =
        response.type() == ResponseType.PUSH || response.type() == ResponseType.MULTI;
    if (finished || !pubSubMessage || response.size() < 3) {
      return;
    }
    String kind = response.get(0).toString();
    if (kind.equals("message")) {
      events.message(response.get(1).toString(), response.get(2).toBuffer());
    } else if (kind.equals("subscribe") && --unconfirmedChannels == 0) {
      subscribed.tryComplete();
    }
  }

  /**
   * Gives the session up: it closes, and reports {@link Events#lost} if it was open (else its open
   * fails).
   */
  void abandon(String reason) {
    if (finished) {
      return;
    }
    boolean wasOpen =
        !subscribed.tryFail(reason); // while still opening, the open future fails instead
    close();
    if (wasOpen) {
      events.lost(this, reason);
    }
  }

  /** A failure's message for a log line (some exceptions have none). */
  static String describe(Throwable failure) {
    return failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
  }

  /** Whether {@code failure} is Redis's error reply, as opposed to the loss of the connection. */
  static boolean isErrorReply(Throwable failure) {
    // Vert.x fails the commands in flight on a lost connection with the socket's exception or
    // CONNECTION_CLOSED.
    return failure instanceof Response
        && ((Response) failure).type() == ResponseType.ERROR
        && !"CONNECTION_CLOSED".equals(failure.getMessage());
  }

  /** Whether another PUBLISH may be pipelined now. */
  boolean canPublish() {
    return !finished && unanswered < MAX_UNANSWERED && unansweredChars < MAX_UNANSWERED_CHARS;
  }

  /**
   * Publishes {@code payload}; the future holds the number of subscribers Redis delivered it to.
   */
  Future<Response> publish(String channel, String payload) {
    unanswered++;
    unansweredChars += payload.length();
    return publisher
        .send(Request.cmd(Command.PUBLISH).arg(channel).arg(payload))
        .andThen(
            done -> {
              unanswered--;
              unansweredChars -= payload.length();
            });
  }

  /**
   * Sends PING on the publisher, whose answer shows that Redis still answers. It does not count
   * against the pipeline's limit: a pipeline that a frozen server never drains is exactly what it
   * must detect.
   */
  Future<Response> ping() {
    return publisher.send(Request.cmd(Command.PING));
  }

  /** Closes both connections and the client; reports nothing afterwards. Idempotent. */
  Future<Void> close() {
    finished = true;
    subscribed.tryFail("the session was closed");
    if (closing == null) {
      closing = handshakesSettled().compose(settled -> client.close());
    }
    return closing;
  }

  /**
   * Completes once the connection attempts have succeeded or failed, or after the connect timeout.
   * Closing the client while a handshake command is still being written makes Vert.x report an
   * "Unhandled Error" (and trip an assertion under -ea); the timeout bounds the wait when Redis
   * accepted the connection but never answers.
   */
  private Future<Void> handshakesSettled() {
    if (connecting == null || connecting.isComplete()) {
      return Future.succeededFuture();
    }
    Promise<Void> settled = Promise.promise();
    long timer = vertx.setTimer(CONNECT_TIMEOUT_MILLIS, expired -> settled.tryComplete());
    connecting.onComplete(
        done -> {
          vertx.cancelTimer(timer);
          settled.tryComplete();
        });
    return settled.future();
  }
}
