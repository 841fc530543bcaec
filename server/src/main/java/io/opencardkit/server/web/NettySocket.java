package io.opencardkit.server.web;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtension;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.impl.HttpServerConnection;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A viewer's WebSocket as a {@link ViewerConnection.Socket}: writes shared {@link OutFrame} bytes
 * straight into the socket's Netty pipeline, counts the bytes handed over until their write
 * completes, and drops a peer that does not finish closing.
 *
 * <p>Implementation notes:
 *
 * <ul>
 *   <li>Encode once: the frame's bytes (or its shared compressed bytes when they are shorter, sent
 *       with RSV1 set so that the permessage-deflate encoder passes them on untouched) go to every
 *       socket as they are; only the 2–10 byte WebSocket header is per socket. A frame that
 *       compression would not shorten goes as it is, RSV1 clear.
 *   <li>Backpressure: {@link #writeQueueFull} compares the bytes handed over and not yet written
 *       with the bound. The count goes up when a frame is handed over and down when its write
 *       completes (successfully or not), whatever thread wrote, so a burst that the socket takes at
 *       once never looks like a slow client. When a full queue drops to half, {@code drained} runs
 *       (on the socket's event loop).
 *   <li>Flushing: writes are queued, and one flush per task of the event loop sends them ({@link
 *       #write} schedules it), so a fan-out of many frames costs one system call per socket, not
 *       one per frame.
 *   <li>A close whose handshake the peer does not complete within the close timeout (it stopped
 *       reading) ends with a TCP reset, which frees the kernel's send buffer at once instead of
 *       keeping it until the peer reads.
 *   <li>The kernel's send buffer of a viewer socket is bounded ({@value #SEND_BUFFER_BYTES} bytes
 *       requested), so a stalled page holds at most that plus the write-queue bound.
 * </ul>
 */
final class NettySocket implements ViewerConnection.Socket {
  static final int SEND_BUFFER_BYTES = 128 * 1024;

  private final Vertx vertx;
  private final ServerWebSocket ws;
  private final Channel channel;
  private final boolean deflate;
  private final long limit;
  private final long closeTimeoutMillis;
  private final ViewerStats stats;
  private final AtomicLong queued = new AtomicLong();
  private final AtomicBoolean flushScheduled = new AtomicBoolean();
  private final Runnable flush = this::flushNow;
  private volatile boolean wasFull;
  private volatile Runnable drained = () -> {};

  /**
   * @param deflate whether the socket negotiated permessage-deflate without context takeover
   *     ({@link NoContextDeflate}) and is sent the shared compressed bytes; otherwise it is sent
   *     the text (which a per-socket deflate encoder, if negotiated, compresses)
   */
  NettySocket(
      Vertx vertx,
      ServerWebSocket ws,
      Channel channel,
      boolean deflate,
      long limitBytes,
      long closeTimeoutMillis,
      ViewerStats stats) {
    this.vertx = vertx;
    this.ws = ws;
    this.channel = channel;
    this.deflate = deflate;
    this.limit = limitBytes;
    this.closeTimeoutMillis = closeTimeoutMillis;
    this.stats = stats;
    channel.config().setOption(ChannelOption.SO_SNDBUF, SEND_BUFFER_BYTES);
  }

  /**
   * The Netty channel of a request that is about to become a WebSocket (the channel outlives the
   * upgrade; Vert.x Web hands out a wrapper of the WebSocket that does not reveal it).
   */
  static Channel channelOf(HttpServerRequest request) {
    return ((HttpServerConnection) request.connection()).channelHandlerContext().channel();
  }

  /**
   * Whether a WebSocket's pipeline has a permessage-deflate encoder (Netty names it after its
   * class); with {@link NoContextDeflate} installed on the server, such an encoder never keeps
   * context.
   */
  static boolean negotiatedDeflate(Channel channel) {
    String encoder =
        "io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateEncoder";
    return channel.pipeline().get(encoder) != null;
  }

  /** Whether frames go out as the shared compressed bytes. */
  boolean sharedDeflate() {
    return deflate;
  }

  /** Runs when a full queue has drained to half. */
  void drainHandler(Runnable handler) {
    this.drained = handler;
  }

  /** Bytes handed to the socket whose write has not completed yet. */
  long queuedBytes() {
    return queued.get();
  }

  @Override
  public boolean writeQueueFull() {
    if (!channel.isActive() || ws.isClosed()) {
      return true;
    }
    if (queued.get() >= limit) {
      wasFull = true;
      return true;
    }
    return false;
  }

  @Override
  public void write(OutFrame frame) {
    if (!channel.isActive()) {
      return;
    }
    boolean compressed = deflate && frame.deflatesSmaller();
    ByteBuf payload = compressed ? frame.deflated() : frame.utf8();
    int bytes = payload.readableBytes();
    queued.addAndGet(bytes);
    ChannelPromise promise = channel.newPromise();
    promise.addListener(done -> written(bytes, done.isSuccess()));
    TextWebSocketFrame out =
        compressed
            ? new TextWebSocketFrame(true, WebSocketExtension.RSV1, payload)
            : deflate
                ? new NoContextDeflate.UncompressedTextFrame(payload)
                : new TextWebSocketFrame(true, 0, payload);
    channel.write(out, promise);
    if (flushScheduled.compareAndSet(false, true)) {
      channel.eventLoop().execute(flush);
    }
  }

  @Override
  public void close(short code, String reason) {
    try {
      ws.close(code, reason);
    } catch (IllegalStateException closed) {
      // already closing
    }
    vertx.setTimer(
        closeTimeoutMillis,
        id -> {
          if (channel.isActive()) {
            abort();
          }
        });
  }

  /** Sends a ping; browsers answer it with a pong by themselves. */
  void ping(io.vertx.core.buffer.Buffer data) {
    try {
      ws.writePing(data);
    } catch (IllegalStateException closed) {
      // closing: the close handler unregisters the connection
    }
  }

  /** Drops the connection with a TCP reset, discarding what the kernel still holds for the peer. */
  void abort() {
    if (!channel.isActive()) {
      return;
    }
    stats.socketAborted();
    channel.config().setOption(ChannelOption.SO_LINGER, 0);
    // Closing from the channel would go through Vert.x's WebSocket handler, the pipeline's last,
    // which starts a close
    // handshake and waits for it; closing from that handler's context starts below it, at the
    // socket.
    channel.pipeline().lastContext().close();
  }

  private void flushNow() {
    flushScheduled.set(false);
    channel.flush();
  }

  private void written(int bytes, boolean success) {
    long left = queued.addAndGet(-bytes);
    if (success) {
      stats.bytesWritten(bytes);
    }
    if (wasFull && left <= limit / 2) {
      wasFull = false;
      drained.run();
    }
  }
}
