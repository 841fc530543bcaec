package io.opencardkit.server.web;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilter;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilterProvider;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandshaker;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.impl.HttpServerConnection;
import java.util.HashMap;
import java.util.Map;

/**
 * permessage-deflate without context takeover in either direction, so that one compressed copy of a
 * frame suits every socket and no socket keeps a zlib context (docs/design-decisions.md,
 * "Compression").
 *
 * <p>Browsers offer {@code permessage-deflate; client_max_window_bits} and never ask for no context
 * takeover, and Netty's handshaker grants {@code server_no_context_takeover} / {@code
 * client_no_context_takeover} only when they were offered. RFC 7692 (7.1.1.1, 7.1.1.2) lets the
 * server add both to its answer anyway, so this handshaker adds them to the offer before Netty's
 * handshaker answers it. Offers that limit the server's window ({@code server_max_window_bits}) are
 * declined: the shared copy is compressed with the full 32 KiB window.
 *
 * <p>Vert.x installs its own extension handler (named {@value #HANDLER}) on each HTTP/1 connection;
 * {@link #install} replaces it before the connection reads its first request.
 */
final class NoContextDeflate implements WebSocketServerExtensionHandshaker {
  static final String HANDLER = "webSocketExtensionHandler";
  private static final String PERMESSAGE_DEFLATE = "permessage-deflate";

  /**
   * Decompressed size of one client message at most; the page's frames are small (a resume lists
   * versions).
   */
  private static final int MAX_INFLATED_BYTES = 4 * 1024 * 1024;

  private final PerMessageDeflateServerExtensionHandshaker netty;

  NoContextDeflate(int compressionLevel) {
    this.netty =
        new PerMessageDeflateServerExtensionHandshaker(
            compressionLevel,
            false,
            PerMessageDeflateServerExtensionHandshaker.MAX_WINDOW_SIZE,
            true,
            true,
            SKIP_UNCOMPRESSED,
            MAX_INFLATED_BYTES);
  }

  /**
   * The encoder leaves alone a frame the shared socket chose to send uncompressed; the decoder
   * inflates as usual.
   */
  private static final WebSocketExtensionFilterProvider SKIP_UNCOMPRESSED =
      new WebSocketExtensionFilterProvider() {
        @Override
        public WebSocketExtensionFilter encoderFilter() {
          return frame -> frame instanceof UncompressedTextFrame;
        }

        @Override
        public WebSocketExtensionFilter decoderFilter() {
          return WebSocketExtensionFilter.NEVER_SKIP;
        }
      };

  /**
   * A text frame sent as it is on a socket with permessage-deflate (RSV1 clear), which RFC 7692
   * allows for any message: a shared frame that compression would not shorten. Without the mark the
   * socket's encoder would compress it.
   */
  static final class UncompressedTextFrame extends TextWebSocketFrame {
    UncompressedTextFrame(ByteBuf payload) {
      super(true, 0, payload);
    }
  }

  /** Replaces Vert.x's extension handler of a new connection (call from its connection handler). */
  static void install(HttpConnection connection, int compressionLevel) {
    if (connection instanceof HttpServerConnection) {
      ChannelPipeline pipeline =
          ((HttpServerConnection) connection).channelHandlerContext().pipeline();
      if (pipeline.get(HANDLER) != null) {
        pipeline.replace(
            HANDLER,
            HANDLER,
            new WebSocketServerExtensionHandler(new NoContextDeflate(compressionLevel)));
      }
    }
  }

  @Override
  public WebSocketServerExtension handshakeExtension(WebSocketExtensionData offer) {
    if (!PERMESSAGE_DEFLATE.equals(offer.name())
        || offer.parameters().containsKey("server_max_window_bits")) {
      return null;
    }
    Map<String, String> parameters = new HashMap<>(offer.parameters());
    parameters.put("server_no_context_takeover", null);
    parameters.put("client_no_context_takeover", null);
    return netty.handshakeExtension(new WebSocketExtensionData(offer.name(), parameters));
  }
}
