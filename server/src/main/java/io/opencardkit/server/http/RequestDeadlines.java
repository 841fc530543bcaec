package io.opencardkit.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.opencardkit.core.ErrorCode;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The deadlines of one HTTP/1.x connection's requests, as two Netty handlers around the request
 * decoder:
 *
 * <ul>
 *   <li>before the decoder, {@code okcBytes} sees the raw bytes: the first byte of a request (on a
 *       connection that is not in the middle of one) starts the <b>header deadline</b>;
 *   <li>after it, {@code okcRequests} sees the decoded request head (which stops the header
 *       deadline and, unless the request has no body, starts the <b>body deadline</b>), the end of
 *       the body (which stops it), a WebSocket upgrade request (which starts the <b>handshake
 *       deadline</b>) and the response head Vert.x writes (which stops that).
 * </ul>
 *
 * A missed deadline is answered with 408 (the client was too slow) or 503 (the handshake was not
 * answered in time), as a Feishu envelope, unless a response has begun, and the connection is
 * closed. Once a connection becomes a WebSocket both handlers leave the pipeline, and so does
 * Vert.x's idle-timeout handler: WebSockets are kept alive, and dead ones found, by pings (viewers
 * and bots alike).
 *
 * <p>All of it runs on the connection's event loop, so the state needs no synchronization. Netty's
 * scheduler and its event loop's ticker keep the deadlines (the tests' embedded channel moves that
 * ticker); nothing here reads a clock.
 */
final class RequestDeadlines {
  static final String BYTES = "okcBytes";
  static final String REQUESTS = "okcRequests";

  /** The configured deadlines, and counters of what they cut. */
  record Settings(
      Duration header, Duration body, Duration wsHandshake, ConnectionGuard.Counters counters) {}

  private final Channel channel;
  private final Settings settings;
  private final Deadline head;
  private final Deadline body;
  private final Deadline handshake;
  private boolean bodyPending;
  private boolean responseStarted;
  private boolean retired;
  private boolean webSocket; // a 101 to a WebSocket upgrade went out
  private boolean
      cut; // a deadline passed: the connection is being closed, nothing more reaches Vert.x

  /**
   * Cancels the timers when the connection closes; removed once retired, so that a WebSocket, which
   * may stay open for days, does not keep these deadlines reachable from its channel.
   */
  private final ChannelFutureListener cancelOnClose = closed -> cancelAll();

  private RequestDeadlines(Channel channel, Settings settings) {
    this.channel = channel;
    this.settings = settings;
    this.head = new Deadline(settings.header(), this::headTimedOut);
    this.body = new Deadline(settings.body(), this::bodyTimedOut);
    this.handshake = new Deadline(settings.wsHandshake(), this::handshakeTimedOut);
  }

  /**
   * Installs the deadlines on a new HTTP/1.x connection (its decoder in place, Vert.x's handler
   * last). Call on the connection's event loop when it was accepted: its first request's header
   * deadline starts now, so a connection that says nothing is answered 408 and closed as soon as
   * one that stops in its headers.
   */
  static void install(Channel channel, Settings settings) {
    ChannelPipeline pipeline = channel.pipeline();
    if (pipeline.get(VertxPipeline.HTTP_DECODER) == null
        || pipeline.get(VertxPipeline.HANDLER) == null) {
      // not HTTP/1.x (HTTP/2 over TLS needs ALPN, which the servers do not enable): limits and idle
      // timeout only
      return;
    }
    RequestDeadlines deadlines = new RequestDeadlines(channel, settings);
    pipeline.addBefore(VertxPipeline.HTTP_DECODER, BYTES, deadlines.new Bytes());
    pipeline.addBefore(VertxPipeline.HANDLER, REQUESTS, deadlines.new Requests());
    deadlines.startHead();
    channel.closeFuture().addListener(deadlines.cancelOnClose);
  }

  /**
   * Keeps every decoded request of a refused connection away from Vert.x: the refusal is being
   * sent, the connection is being closed, and nothing it asked for may run.
   */
  static void dropRequests(Channel channel) {
    ChannelPipeline pipeline = channel.pipeline();
    if (pipeline.get(VertxPipeline.HANDLER) != null && pipeline.get(REQUESTS) == null) {
      pipeline.addBefore(
          VertxPipeline.HANDLER,
          REQUESTS,
          new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
              ReferenceCountUtil.release(msg);
            }
          });
    }
  }

  private void startHead() {
    if (!head.running() && !bodyPending && !retired) {
      head.start();
    }
  }

  private void headTimedOut() {
    if (retired || !channel.isActive()) {
      return;
    }
    settings.counters().headerTimeout();
    cut = true;
    RawReply.sendAndClose(
        channel,
        408,
        "Request Timeout",
        ErrorCode.INVALID_PARAMETER,
        "the request line and headers did not arrive within "
            + seconds(settings.header())
            + " (--header-timeout)",
        true);
  }

  private void bodyTimedOut() {
    if (retired || !channel.isActive()) {
      return;
    }
    settings.counters().bodyTimeout();
    cut = true;
    if (responseStarted) {
      channel.close();
      return;
    }
    RawReply.sendAndClose(
        channel,
        408,
        "Request Timeout",
        ErrorCode.INVALID_PARAMETER,
        "the request body did not arrive within "
            + seconds(settings.body())
            + " of its headers (--body-timeout)",
        true);
  }

  private void handshakeTimedOut() {
    if (retired || !channel.isActive() || responseStarted) {
      return;
    }
    settings.counters().handshakeTimeout();
    cut = true;
    RawReply.sendAndClose(
        channel,
        503,
        "Service Unavailable",
        ErrorCode.INTERNAL,
        "the WebSocket handshake was not answered within "
            + seconds(settings.wsHandshake())
            + " (--ws-handshake-timeout); retry",
        true);
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  private void cancelAll() {
    head.cancel();
    body.cancel();
    handshake.cancel();
  }

  /**
   * The connection is a WebSocket now (no request deadlines, and no idle timeout: pings keep it
   * alive), or another protocol took it over (no request deadlines; the idle timeout stays).
   */
  private void retire() {
    if (retired) {
      return;
    }
    retired = true;
    cancelAll();
    channel.closeFuture().removeListener(cancelOnClose);
    ChannelPipeline pipeline = channel.pipeline();
    for (String name : new String[] {BYTES, REQUESTS}) {
      if (pipeline.get(name) != null) {
        pipeline.remove(name);
      }
    }
    if (webSocket && pipeline.get(VertxPipeline.IDLE) instanceof IdleStateHandler) {
      pipeline.remove(VertxPipeline.IDLE);
    }
  }

  private final class Bytes extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (ctx.pipeline().get(VertxPipeline.HTTP_DECODER) == null) {
        ctx.fireChannelRead(msg);
        retire(); // the decoder left: the connection was upgraded
        return;
      }
      if (msg instanceof ByteBuf && ((ByteBuf) msg).isReadable()) {
        startHead();
      }
      ctx.fireChannelRead(msg);
    }
  }

  private final class Requests extends ChannelDuplexHandler {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (cut) {
        ReferenceCountUtil.release(
            msg); // e.g. the decoder's "closed before the headers were complete"
        return;
      }
      if (msg instanceof HttpRequest && !isHttp1((HttpRequest) msg)) {
        // Vert.x answers an unknown protocol version with an empty 501; the client gets the reason
        // instead.
        head.stop();
        cut = true;
        ReferenceCountUtil.release(msg);
        RawReply.sendAndClose(
            channel,
            400,
            "Bad Request",
            ErrorCode.INVALID_PARAMETER, // not 505: bad input is never a 5xx
            "malformed HTTP request: the protocol must be HTTP/1.1 (or HTTP/1.0)",
            true);
        return;
      }
      if (msg instanceof HttpRequest) {
        HttpRequest request = (HttpRequest) msg;
        head.stop();
        responseStarted = false;
        if (isWebSocketUpgrade(request)) {
          handshake.start();
        }
        if (!(msg instanceof LastHttpContent)) {
          bodyPending = true;
          body.start();
        }
      }
      if (msg instanceof LastHttpContent) {
        bodyPending = false;
        body.stop();
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof HttpResponse) {
        responseStarted = true;
        handshake.stop();
        if (((HttpResponse) msg).status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
          webSocket = true; // the only upgrade the servers make (cleartext HTTP/2 is off)
          ctx.write(msg, promise);
          ctx.executor()
              .execute(RequestDeadlines.this::retire); // once the upgrade has rebuilt the pipeline
          return;
        }
      }
      ctx.write(msg, promise);
    }
  }

  /**
   * One deadline of the connection, started and stopped by every request without a task scheduled
   * each time: its timer is scheduled once and, when it fires before the deadline it now stands for
   * (stopped and started again meanwhile), re-arms for the rest. A request then costs a read of the
   * event loop's ticker instead of a schedule and a cancel (this is how Netty's own idle handler
   * keeps its timeout). The timer can only fire early, never late: the deadline it was armed for is
   * the earliest one started since, as time only moves forward and the timeout is fixed.
   */
  private final class Deadline {
    private final long timeoutNanos;
    private final Runnable expired;
    private boolean running;
    private long
        dueNanos; // when running: the event loop's ticker time at which the deadline passes
    private ScheduledFuture<?> timer; // null when no timer is pending

    Deadline(Duration timeout, Runnable expired) {
      this.timeoutNanos = timeout.toNanos();
      this.expired = expired;
    }

    boolean running() {
      return running;
    }

    /** Starts the deadline afresh (a running one is moved to now plus the timeout). */
    void start() {
      running = true;
      dueNanos = now() + timeoutNanos;
      if (timer == null) {
        arm(timeoutNanos);
      }
    }

    void stop() {
      running = false; // the pending timer, if any, finds it stopped and ends
    }

    void cancel() {
      running = false;
      if (timer != null) {
        timer.cancel(false);
        timer = null;
      }
    }

    private void arm(long delayNanos) {
      timer = channel.eventLoop().schedule(this::fire, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void fire() {
      timer = null;
      if (!running) {
        return;
      }
      long left = dueNanos - now();
      if (left > 0) {
        arm(left);
        return;
      }
      running = false;
      expired.run();
    }

    private long now() {
      return channel.eventLoop().ticker().nanoTime();
    }
  }

  private static boolean isHttp1(HttpRequest request) {
    return "HTTP".equals(request.protocolVersion().protocolName())
        && request.protocolVersion().majorVersion() == 1;
  }

  private static boolean isWebSocketUpgrade(HttpRequest request) {
    return request
        .headers()
        .containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
  }
}
