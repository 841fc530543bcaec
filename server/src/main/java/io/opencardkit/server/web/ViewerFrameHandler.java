package io.opencardkit.server.web;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a viewer's WebSocket pipeline once the handshake is done: it takes the place
 * of Vert.x's WebSocket, so that an open viewer costs a Netty channel and this handler, not a
 * Vert.x connection with its message queues (docs/benchmarks.md, "Idle memory").
 *
 * <p>It does what RFC 6455 asks of the server and nothing more: answers pings, reports text
 * messages (assembled by a {@code WebSocketFrameAggregator} before it) and pongs, completes the
 * close handshake from either side (echoing the peer's close, then closing the TCP connection, as
 * the server should), and refuses to write anything after the close frame. Binary messages are
 * ignored: the web protocol has none. Everything runs on the channel's event loop.
 */
final class ViewerFrameHandler extends ChannelDuplexHandler {
  static final String NAME = "viewerFrames";

  /** RFC 6455 close code for a message beyond what the server takes. */
  private static final int MESSAGE_TOO_BIG = 1009;

  private static final Logger LOG = LoggerFactory.getLogger(ViewerFrameHandler.class);

  /** What the socket's owner hears, on the channel's event loop. */
  interface Events {
    void text(String text);

    void pong();

    /** The connection is gone (called once). */
    void closed();
  }

  private final Events events;
  private final String viewer;
  private volatile boolean closeSent;
  private boolean closeReceived;
  private boolean closedReported;

  /**
   * @param viewer who the socket belongs to (for the debug log of failures)
   */
  ViewerFrameHandler(Events events, String viewer) {
    this.events = events;
    this.viewer = viewer;
  }

  /** Whether the close frame went out (no frame may follow it); readable from any thread. */
  boolean closeSent() {
    return closeSent;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (!ctx.channel().isActive()) {
      reportClosed(); // closed during the handshake: channelInactive went to the handler replaced
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      handle(ctx, msg);
    } catch (RuntimeException e) {
      // A bug of ours, not the page's: said loudly (a test fails on it), and the page reconnects to
      // a fresh connection rather than going on with one whose state is in doubt.
      LOG.error("viewer socket of {}: handling a frame failed; closing it", viewer, e);
      ctx.close();
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void handle(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof TextWebSocketFrame) {
      events.text(((TextWebSocketFrame) msg).text());
    } else if (msg instanceof PongWebSocketFrame) {
      events.pong();
    } else if (msg instanceof PingWebSocketFrame) {
      // A page that pings while not reading what it is sent gets no pongs piling up behind its
      // frames: a pong is owed "as soon as practical" (RFC 6455 5.5.2), and a full socket is not.
      if (!closeSent && ctx.channel().isWritable()) {
        ctx.writeAndFlush(new PongWebSocketFrame(((WebSocketFrame) msg).content().retain()));
      }
      events.pong(); // any frame shows the page is alive
    } else if (msg instanceof CloseWebSocketFrame) {
      peerClosed(ctx, (CloseWebSocketFrame) msg);
    }
  }

  private void peerClosed(ChannelHandlerContext ctx, CloseWebSocketFrame frame) {
    closeReceived = true;
    if (closeSent) {
      ctx.close(); // our close is answered: the server closes the TCP connection first
      return;
    }
    closeSent = true;
    int code = frame.statusCode();
    CloseWebSocketFrame echo =
        code < 0 ? new CloseWebSocketFrame() : new CloseWebSocketFrame(code, null);
    ctx.writeAndFlush(echo).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (closeSent) {
      ReferenceCountUtil.release(msg);
      promise.tryFailure(new ClosedChannelException());
      return;
    }
    if (msg instanceof CloseWebSocketFrame) {
      closeSent = true;
      if (closeReceived) {
        ctx.write(msg, promise).addListener(ChannelFutureListener.CLOSE);
        return;
      }
    }
    ctx.write(msg, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    reportClosed();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A protocol violation (Netty's decoder has already sent its close frame), a message beyond the
    // aggregator's bound, or a reset: the page reconnects.
    LOG.debug("viewer socket of {} failed: {}", viewer, cause.toString());
    if (cause instanceof TooLongFrameException && !closeSent) {
      closeSent = true;
      ctx.writeAndFlush(new CloseWebSocketFrame(MESSAGE_TOO_BIG, "message too big"))
          .addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.close();
    }
  }

  private void reportClosed() {
    if (!closedReported) {
      closedReported = true;
      closeSent = true;
      events.closed();
    }
  }
}
