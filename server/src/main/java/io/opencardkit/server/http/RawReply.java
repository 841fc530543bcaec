package io.opencardkit.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.Json;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A Feishu-shaped refusal written straight into a connection, below Vert.x, for the moments Vert.x
 * has no request to answer (a request whose headers never completed, a connection over a limit),
 * then the end of the connection.
 *
 * <p>Written from the HTTP decoder's pipeline position, so the bytes pass TLS (if any) but not
 * Vert.x's response encoder, which may be waiting for a response of its own. After a missed
 * deadline the connection is half-closed first and closed a moment later: closing at once, with the
 * client still sending, would make the kernel answer with a reset that can destroy the refusal
 * before the client reads it. A connection refused for a limit is closed at once instead: its first
 * bytes have been read, and under a flood a moment per connection would hold the open files the
 * limit protects.
 */
final class RawReply {
  private static final long LINGER_MILLIS = 1000;

  private RawReply() {}

  /**
   * The bytes of an HTTP/1.1 response with {@code {"code":…,"msg":…}} and {@code Connection:
   * close}.
   */
  static ByteBuf bytes(int status, String reason, ErrorCode code, String message) {
    String body = Json.write(Json.object().put("code", code.code()).put("msg", message));
    byte[] json = body.getBytes(StandardCharsets.UTF_8);
    String head =
        "HTTP/1.1 "
            + status
            + " "
            + reason
            + "\r\n"
            + "Content-Type: "
            + Envelope.CONTENT_TYPE
            + "\r\n"
            + "Content-Length: "
            + json.length
            + "\r\n"
            + "Connection: close\r\n\r\n";
    return Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), json);
  }

  /**
   * Sends the refusal and ends the connection. Without an HTTP/1.x decoder in the pipeline (HTTP/2,
   * a WebSocket) the connection is only closed.
   */
  static void sendAndClose(
      Channel channel, int status, String reason, ErrorCode code, String message, boolean linger) {
    ChannelHandlerContext decoder = channel.pipeline().context(VertxPipeline.HTTP_DECODER);
    if (decoder == null || !channel.isActive()) {
      channel.close();
      return;
    }
    decoder
        .writeAndFlush(bytes(status, reason, code, message))
        .addListener(
            written -> {
              if (linger && written.isSuccess() && channel instanceof DuplexChannel) {
                ((DuplexChannel) channel).shutdownOutput();
                channel
                    .eventLoop()
                    .schedule(() -> channel.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
              } else {
                channel.close();
              }
            });
  }
}
