package io.opencardkit.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.opencardkit.server.testkit.ExpectedLog;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A viewer's socket after the handshake, without Vert.x: what the page sends reaches the hub, and
 * the close handshake completes from either side (RFC 6455 5.5.1, 7.1).
 */
final class ViewerFrameHandlerTest {
  private final List<String> heard = new ArrayList<>();
  private boolean failOnText;
  private final EmbeddedChannel channel =
      new EmbeddedChannel(); // stands for the pipeline Vert.x leaves after the handshake
  private final NettySocket socket;

  ViewerFrameHandlerTest() {
    channel.pipeline().addLast("handler", new ChannelInboundHandlerAdapter());
    socket = new NettySocket(channel, false, null, 1024, 1_000, new ViewerStats());
    socket.start(
        new ViewerFrameHandler.Events() {
          @Override
          public void text(String text) {
            if (failOnText) {
              throw new IllegalStateException("a bug in the hub");
            }
            heard.add("text " + text);
          }

          @Override
          public void pong() {
            heard.add("pong");
          }

          @Override
          public void closed() {
            heard.add("closed");
          }
        },
        "ou_a");
  }

  @Test
  void start_takesThePlaceOfVertxsWebSocket() {
    assertThat(channel.pipeline().names())
        .contains("viewerMessages", ViewerFrameHandler.NAME)
        .doesNotContain("handler");
  }

  @Test
  void textMessage_fragmented_reachesTheHubWhole() {
    channel.writeInbound(new TextWebSocketFrame(false, 0, "{\"type\":\"res"));
    channel.writeInbound(
        new ContinuationWebSocketFrame(
            true, 0, Unpooled.copiedBuffer("ume\"}", StandardCharsets.UTF_8)));

    assertThat(heard).containsExactly("text {\"type\":\"resume\"}");
  }

  @Test
  void ping_isAnsweredWithItsData() {
    channel.writeInbound(
        new PingWebSocketFrame(Unpooled.copiedBuffer("42", StandardCharsets.US_ASCII)));

    PongWebSocketFrame pong = channel.readOutbound();
    assertThat(pong.content().toString(StandardCharsets.US_ASCII)).isEqualTo("42");
    pong.release();
    assertThat(heard).containsExactly("pong");
  }

  @Test
  void ping_whileTheSocketIsFull_isNotAnswered() {
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1, 2));
    channel.write(new TextWebSocketFrame("a frame the page has not read yet"));
    assertThat(channel.isWritable()).isFalse();

    channel.writeInbound(
        new PingWebSocketFrame(Unpooled.copiedBuffer("42", StandardCharsets.US_ASCII)));
    channel.flushOutbound();

    TextWebSocketFrame pending = channel.readOutbound();
    pending.release();
    Object next = channel.readOutbound();
    assertThat(next).isNull();
    assertThat(heard).containsExactly("pong"); // still counts as a sign of life
  }

  @Test
  void pong_isHeard() {
    channel.writeInbound(new PongWebSocketFrame());

    assertThat(heard).containsExactly("pong");
  }

  @Test
  void peerClose_isEchoedWithItsCode_andTheServerClosesTheConnection() {
    channel.writeInbound(new CloseWebSocketFrame(1000, "bye"));

    CloseWebSocketFrame echo = channel.readOutbound();
    assertThat(echo.statusCode()).isEqualTo(1000);
    echo.release();
    assertThat(channel.isActive()).isFalse();
    assertThat(heard).containsExactly("closed");
  }

  @Test
  void close_sendsTheCodeAndNothingAfterIt_andTheAnswerEndsTheConnection() {
    socket.close((short) 4401, "signed out");
    socket.write(OutFrame.of("{\"type\":\"late\"}"));
    channel.runPendingTasks();

    CloseWebSocketFrame sent = channel.readOutbound();
    assertThat(sent.statusCode()).isEqualTo(4401);
    assertThat(sent.reasonText()).isEqualTo("signed out");
    sent.release();
    Object next = channel.readOutbound();
    assertThat(next).isNull();
    assertThat(socket.isClosed()).isTrue();
    assertThat(socket.queuedBytes()).isZero(); // the refused frame's bytes are not counted

    channel.writeInbound(new CloseWebSocketFrame(4401, null));

    assertThat(channel.isActive()).isFalse();
    assertThat(heard).containsExactly("closed");
  }

  @Test
  void messageBeyondTheBound_closesWith1009() {
    channel.writeInbound(new TextWebSocketFrame(false, 0, "x"));
    channel.writeInbound(
        new ContinuationWebSocketFrame(
            true, 0, Unpooled.wrappedBuffer(new byte[NettySocket.MAX_MESSAGE_BYTES])));

    CloseWebSocketFrame sent = channel.readOutbound();
    assertThat(sent.statusCode()).isEqualTo(1009);
    sent.release();
    assertThat(channel.isActive()).isFalse();
    assertThat(heard).containsExactly("closed");
  }

  @Test
  @ExpectedLog(
      level = ExpectedLog.Level.ERROR,
      logger = "io.opencardkit.server.web.ViewerFrameHandler",
      message = "handling a frame failed")
  void aFailureWhileHandlingAMessage_closesTheSocketAndIsLogged() {
    failOnText = true;

    channel.writeInbound(new TextWebSocketFrame("{\"type\":\"resume\",\"cards\":{}}"));

    assertThat(channel.isActive()).isFalse();
    assertThat(heard).containsExactly("closed");
  }

  @Test
  void closedConnection_isReportedOnce() {
    channel.close();
    channel.close();

    assertThat(heard).containsExactly("closed");
  }
}
