package io.opencardkit.server.web;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtension;
import io.opencardkit.server.http.VertxPipeline;
import io.opencardkit.server.signin.SignedInSocket;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.HttpServerConnection;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * A viewer's WebSocket as a {@link ViewerConnection.Socket}: writes shared {@link OutFrame} bytes
 * straight into the socket's Netty pipeline, counts the bytes handed over until their write
 * completes, and drops a peer that does not finish closing.
 *
 * <p>Once Vert.x has completed the handshake, the socket takes the channel over: {@link #start}
 * puts a {@link ViewerFrameHandler} in the place of Vert.x's WebSocket, whose connection and
 * message queues (8 KiB of heap per socket) are then garbage. Vert.x still does the handshake
 * (extensions, request deadlines, the call log), and the bots' long connections stay Vert.x
 * WebSockets.
 *
 * <p>Implementation notes:
 *
 * <ul>
 *   <li>Encode once: the frame's bytes (or its shared compressed bytes when they are shorter, with
 *       RSV1 set) go to every socket as they are, as one WebSocket frame per event loop, header
 *       included ({@link WireFrames}); the WebSocket and permessage-deflate encoders pass such
 *       bytes on untouched. A frame that compression would not shorten goes as it is, RSV1 clear.
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
final class NettySocket implements ViewerConnection.Socket, SignedInSocket {
  static final int SEND_BUFFER_BYTES = 128 * 1024;

  /**
   * A client message at most, assembled from its fragments (Vert.x's default); the page's only
   * message, a resume, lists card versions.
   */
  static final int MAX_MESSAGE_BYTES = 256 * 1024;

  private final Channel channel;
  private final boolean deflate;
  private final WireFrames wire;
  private final long limit;
  private final long closeTimeoutMillis;
  private final ViewerStats stats;
  // Field updaters rather than an AtomicLong and an AtomicBoolean: two objects less per socket,
  // which counts at tens of thousands of idle viewers (docs/benchmarks.md, "Stop 23").
  private static final AtomicLongFieldUpdater<NettySocket> QUEUED =
      AtomicLongFieldUpdater.newUpdater(NettySocket.class, "queued");
  private static final AtomicIntegerFieldUpdater<NettySocket> FLUSH_SCHEDULED =
      AtomicIntegerFieldUpdater.newUpdater(NettySocket.class, "flushScheduled");

  /** Bytes handed to the channel whose write has not completed. */
  private volatile long queued;

  /** 1 while a flush is scheduled on the channel's loop. */
  @SuppressWarnings("UnusedVariable") // read by FLUSH_SCHEDULED's compareAndSet
  private volatile int flushScheduled;

  private final Runnable flush = this::flushNow;
  private volatile ViewerFrameHandler frames;
  private volatile boolean wasFull;
  private volatile Runnable drained = () -> {};

  /**
   * @param deflate whether the socket negotiated permessage-deflate without context takeover
   *     ({@link NoContextDeflate}) and is sent the shared compressed bytes; otherwise it is sent
   *     the text (which a per-socket deflate encoder, if negotiated, compresses)
   * @param wire the WebSocket frames its loop shares, or {@code null} for a socket whose frames a
   *     per-socket deflate encoder compresses
   */
  NettySocket(
      Channel channel,
      boolean deflate,
      WireFrames wire,
      long limitBytes,
      long closeTimeoutMillis,
      ViewerStats stats) {
    this.channel = channel;
    this.deflate = deflate;
    this.wire = wire;
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

  /**
   * Takes the channel over from Vert.x's WebSocket, which has just completed the handshake: from
   * now on {@code events} hears the socket. Call on the channel's event loop, in the task that
   * completed the handshake (no frame can have been read yet).
   *
   * @param viewer whom the socket belongs to (for the debug log)
   */
  void start(ViewerFrameHandler.Events events, String viewer) {
    ViewerFrameHandler handler = new ViewerFrameHandler(events, viewer);
    this.frames = handler;
    ChannelPipeline pipeline = channel.pipeline();
    pipeline.addBefore(
        VertxPipeline.HANDLER, "viewerMessages", new WebSocketFrameAggregator(MAX_MESSAGE_BYTES));
    pipeline.replace(VertxPipeline.HANDLER, ViewerFrameHandler.NAME, handler);
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
    return queued;
  }

  @Override
  public boolean isClosed() {
    ViewerFrameHandler handler = frames;
    return !channel.isActive() || (handler != null && handler.closeSent());
  }

  @Override
  public boolean writeQueueFull() {
    if (isClosed()) {
      return true;
    }
    if (queued >= limit) {
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
    int bytes = compressed ? frame.deflatedBytes().length : frame.length();
    QUEUED.addAndGet(this, bytes);
    ChannelPromise promise = channel.newPromise();
    promise.addListener(done -> written(bytes, done.isSuccess()));
    channel.write(encoded(frame, compressed), promise);
    if (FLUSH_SCHEDULED.compareAndSet(this, 0, 1)) {
      channel.eventLoop().execute(flush);
    }
  }

  /**
   * Starts the close handshake (frames written before it still go out first); a peer that does not
   * answer within the close timeout is dropped. Callable from any thread.
   */
  @Override
  public void close(short code, String reason) {
    if (isClosed()) {
      return;
    }
    channel.writeAndFlush(new CloseWebSocketFrame(code, reason));
    channel
        .eventLoop()
        .schedule(
            () -> {
              if (channel.isActive()) {
                abort();
              }
            },
            closeTimeoutMillis,
            TimeUnit.MILLISECONDS);
  }

  /** Sends a ping; browsers answer it with a pong by themselves. */
  void ping(String data) {
    if (!isClosed()) {
      channel.writeAndFlush(
          new PingWebSocketFrame(Unpooled.copiedBuffer(data, StandardCharsets.US_ASCII)));
    }
  }

  /** Drops the connection with a TCP reset, discarding what the kernel still holds for the peer. */
  void abort() {
    if (!channel.isActive()) {
      return;
    }
    stats.socketAborted();
    channel.config().setOption(ChannelOption.SO_LINGER, 0);
    channel.close();
  }

  /**
   * What to hand the pipeline for a frame: on the socket's loop, the loop's shared WebSocket frame
   * bytes, which pass the WebSocket and permessage-deflate encoders untouched (they only take frame
   * objects). A socket that compresses with a context of its own ({@code --ws-compression
   * per-socket}) is handed frame objects, for Netty's encoder to compress, as is a write from
   * another thread.
   */
  private Object encoded(OutFrame frame, boolean compressed) {
    if (wire != null && channel.eventLoop().inEventLoop()) {
      return wire.frame(frame, compressed, channel.alloc());
    }
    ByteBuf payload = compressed ? frame.deflated() : frame.utf8();
    return compressed
        ? new TextWebSocketFrame(true, WebSocketExtension.RSV1, payload)
        : deflate
            ? new NoContextDeflate.UncompressedTextFrame(payload)
            : new TextWebSocketFrame(true, 0, payload);
  }

  private void flushNow() {
    flushScheduled = 0;
    channel.flush();
  }

  private void written(int bytes, boolean success) {
    long left = QUEUED.addAndGet(this, -bytes);
    if (success) {
      stats.bytesWritten(bytes);
    }
    if (wasFull && left <= limit / 2) {
      wasFull = false;
      drained.run();
    }
  }
}
