package io.opencardkit.bus.redis;

import io.vertx.core.Context;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.RedisOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the bus connected: opens a {@link RedisSession}, watches it, and after a failure opens a
 * new one with exponential backoff, for as long as it is deployed. It is the bus's Vert.x
 * deployment, so everything here runs on the bus's own context and undeploying it (by {@code
 * close()} or by closing Vert.x) stops it. How long a PING has gone unanswered is measured on the
 * injected monotonic ticker, read on each heartbeat.
 */
final class SessionKeeper implements Deployable, RedisSession.Events {
  /* Implementation notes
   *
   * State, on the bus context only: at most one session open (session) and at most one being opened (attempt),
   * never both. `connected` is the only field other threads read.
   *
   * A failure is noticed by the session's sockets closing (Redis stopped or restarted), by an attempt that does not
   * finish within OPEN_TIMEOUT (Redis accepts TCP but does not answer), or by a PING that the heartbeat sends on the
   * publisher and Redis does not answer within PING_TIMEOUT (a frozen server or a silent network): these last two
   * would otherwise leave the bus believing it is connected for as long as TCP keep-alive takes.
   *
   * Logging: one line per transition (connected, lost, reconnected); failed attempts in between at DEBUG.
   */
  /** What the keeper tells the bus, on the bus context. */
  interface Listener {
    /**
     * A session is open again after the bus was down (or could not connect at start): messages may
     * be lost.
     */
    void resumed();

    /** A message arrived on one of the node's channels. */
    void message(String channel, Buffer payload);
  }

  private static final Logger LOG = LoggerFactory.getLogger(SessionKeeper.class);
  private static final long OPEN_TIMEOUT_MILLIS = 5_000;
  private static final long HEARTBEAT_MILLIS = 1_000;

  /** How long a PING may go unanswered on the ticker before the session is given up. */
  static final long PING_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(3);

  private final Vertx vertx;
  private final RedisOptions options;
  private final List<String> channels;
  private final String address; // the redacted URL, for log lines
  private final Backoff backoff;
  private final PublishPipeline pipeline;
  private final Listener listener;
  private final LongSupplier nanos;
  private volatile boolean connected;
  private final AtomicLong attemptsFailed = new AtomicLong(); // since start
  private RedisSession session; // null while down
  private RedisSession attempt; // null unless a session is being opened
  private long retryTimer = -1;
  private long heartbeatTimer = -1;
  private boolean pingAwaited; // a PING was sent on the open session and not answered yet
  private long pingSentAt; // the ticker (nanos) when that PING was sent
  private boolean outage; // an attempt failed or a session was lost since the bus last listened
  private boolean everConnected;
  private int failedAttempts; // since the last session was open
  private long downSince; // the ticker (nanos) when the outage began
  private boolean stopped;

  SessionKeeper(
      Vertx vertx,
      RedisOptions options,
      List<String> channels,
      String address,
      Backoff backoff,
      PublishPipeline pipeline,
      Listener listener,
      LongSupplier nanos) {
    this.vertx = vertx;
    this.options = options;
    this.channels = List.copyOf(channels);
    this.address = address;
    this.backoff = backoff;
    this.pipeline = pipeline;
    this.listener = listener;
    this.nanos = nanos;
  }

  /** Whether a session is open now; any thread. */
  boolean connected() {
    return connected;
  }

  /** How many attempts to open a session have failed since start (tests wait for the first). */
  long attemptsFailed() {
    return attemptsFailed.get();
  }

  @Override
  public Future<?> deploy(Context context) {
    pipeline.bind(context);
    heartbeatTimer = vertx.setPeriodic(HEARTBEAT_MILLIS, id -> heartbeat());
    downSince = nanos.getAsLong();
    openSession();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> undeploy(Context context) {
    stopped = true;
    connected = false;
    vertx.cancelTimer(retryTimer);
    vertx.cancelTimer(heartbeatTimer);
    List<Future<Void>> closing = new ArrayList<>();
    if (attempt != null) {
      closing.add(attempt.close());
    }
    if (session != null) {
      closing.add(session.close());
    }
    attempt = null;
    session = null;
    return Future.join(closing);
  }

  private void openSession() {
    retryTimer = -1;
    RedisSession opening = new RedisSession(vertx, options, this);
    attempt = opening;
    long timeout =
        vertx.setTimer(
            OPEN_TIMEOUT_MILLIS,
            id ->
                opening.abandon(
                    "Redis did not finish the handshake within " + OPEN_TIMEOUT_MILLIS + " ms"));
    opening
        .open(channels)
        .onComplete(
            opened -> {
              vertx.cancelTimer(timeout);
              if (stopped) {
                opening.close();
                return;
              }
              attempt = null;
              if (opened.succeeded()) {
                opened(opening);
              } else {
                attemptFailed(RedisSession.describe(opened.cause()));
              }
            });
  }

  private void opened(RedisSession opened) {
    session = opened;
    pingAwaited = false;
    backoff.reset();
    boolean afterOutage = outage;
    if (!everConnected && failedAttempts == 0) {
      LOG.info("Cluster bus connected to {} (channels {})", address, channels);
    } else {
      long downMillis = TimeUnit.NANOSECONDS.toMillis(nanos.getAsLong() - downSince);
      LOG.info(
          "Cluster bus {} to {} after {} ms down and {} failed attempts; the listener hears reconnected()",
          everConnected ? "reconnected" : "connected",
          address,
          downMillis,
          failedAttempts);
    }
    everConnected = true;
    outage = false;
    failedAttempts = 0;
    connected = true;
    pipeline.attach(opened);
    if (afterOutage) {
      listener.resumed();
    }
  }

  private void attemptFailed(String reason) {
    if (!outage) {
      LOG.warn("Cluster bus cannot connect to {}: {}; retrying in the background", address, reason);
    } else {
      LOG.debug("Cluster bus: attempt to connect to {} failed: {}", address, reason);
    }
    outage = true;
    failedAttempts++;
    attemptsFailed.incrementAndGet();
    retryLater();
  }

  @Override
  public void lost(RedisSession lost, String reason) {
    if (lost != session) {
      return;
    }
    session = null;
    connected = false;
    outage = true;
    downSince = nanos.getAsLong();
    LOG.warn("Cluster bus lost its connection to {}: {}; reconnecting", address, reason);
    pipeline.detach();
    retryLater();
  }

  @Override
  public void message(String channel, Buffer payload) {
    listener.message(channel, payload);
  }

  private void retryLater() {
    if (!stopped) {
      retryTimer = vertx.setTimer(backoff.nextDelayMillis(), id -> openSession());
    }
  }

  private void heartbeat() {
    RedisSession open = session;
    if (open == null) {
      return;
    }
    if (pingAwaited) {
      if (nanos.getAsLong() - pingSentAt > PING_TIMEOUT_NANOS) {
        open.abandon(
            "Redis did not answer PING within "
                + TimeUnit.NANOSECONDS.toMillis(PING_TIMEOUT_NANOS)
                + " ms");
      }
    } else {
      pingAwaited = true;
      pingSentAt = nanos.getAsLong();
      open.ping()
          .onComplete(
              answered -> {
                if (open == session) {
                  pingAwaited = false;
                }
              });
    }
  }
}
