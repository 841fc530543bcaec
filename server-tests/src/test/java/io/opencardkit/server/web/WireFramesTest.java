package io.opencardkit.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SingleThreadEventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtension;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

final class WireFramesTest {
  private static final UnpooledByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;

  /** What Netty's server-side encoder writes for the same frame: the reference. */
  private static byte[] nettyEncoded(byte[] payload, boolean rsv1) {
    EmbeddedChannel channel = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
    channel.writeOutbound(
        new TextWebSocketFrame(
            true, rsv1 ? WebSocketExtension.RSV1 : 0, Unpooled.copiedBuffer(payload)));
    ByteBuf all = Unpooled.buffer();
    for (ByteBuf part; (part = channel.readOutbound()) != null; ) {
      all.writeBytes(part);
      part.release();
    }
    channel.finishAndReleaseAll();
    return ByteBufUtil.getBytes(all);
  }

  private static byte[] payload(int length) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, (byte) 'a');
    return bytes;
  }

  @Test
  void encode_everyLengthClass_isWhatNettysEncoderWrites() {
    for (int length : new int[] {0, 1, 125, 126, 127, 1_000, 65_535, 65_536, 70_000}) {
      for (boolean rsv1 : new boolean[] {false, true}) {
        ByteBuf ours = WireFrames.encode(ALLOC, payload(length), rsv1);
        assertThat(ByteBufUtil.getBytes(ours))
            .as("length %d, RSV1 %s", length, rsv1)
            .isEqualTo(nettyEncoded(payload(length), rsv1));
        ours.release();
      }
    }
  }

  @Test
  void frame_twoSocketsOneTurn_getTheSameBytesEncodedOnce_releasedWhenTheTurnEnds() {
    EmbeddedChannel loop = new EmbeddedChannel();
    WireFrames wire = new WireFrames(loop.eventLoop());
    OutFrame frame = OutFrame.of("[7,57,\"流式\"]");

    ByteBuf first = wire.frame(frame, false, ALLOC);
    ByteBuf second = wire.frame(frame, false, ALLOC);

    assertThat(wire.held()).isEqualTo(1);
    byte[] expected = nettyEncoded("[7,57,\"流式\"]".getBytes(StandardCharsets.UTF_8), false);
    assertThat(ByteBufUtil.getBytes(first)).isEqualTo(expected);
    assertThat(ByteBufUtil.getBytes(second)).isEqualTo(expected);

    loop.runPendingTasks(); // the end of the loop's turn
    assertThat(wire.held()).isZero();
    assertThat(ByteBufUtil.getBytes(second)).isEqualTo(expected); // a socket's copy outlives it
    first.release();
    assertThat(second.release()).isTrue(); // the last reference: the buffer is freed
    loop.finishAndReleaseAll();
  }

  @Test
  void frame_compressedAndPlain_areTwoFramesOfTheirOwn() {
    EmbeddedChannel loop = new EmbeddedChannel();
    WireFrames wire = new WireFrames(loop.eventLoop());
    OutFrame frame = OutFrame.of("{\"type\":\"card\",\"text\":\"" + "重复的文本".repeat(40) + "\"}");
    assertThat(frame.deflatesSmaller()).isTrue();

    ByteBuf plain = wire.frame(frame, false, ALLOC);
    ByteBuf compressed = wire.frame(frame, true, ALLOC);

    assertThat(ByteBufUtil.getBytes(plain)).isEqualTo(nettyEncoded(frame.bytes(), false));
    assertThat(ByteBufUtil.getBytes(compressed))
        .isEqualTo(nettyEncoded(frame.deflatedBytes(), true));
    plain.release();
    compressed.release();
    loop.runPendingTasks();
    assertThat(wire.held()).isZero();
    loop.finishAndReleaseAll();
  }

  @Test
  void frame_onANettyEventLoop_isReleasedWhenTheLoopsTurnEnds() throws Exception {
    MultiThreadIoEventLoopGroup group =
        new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      SingleThreadEventLoop loop = (SingleThreadEventLoop) group.next();
      WireFrames wire = new WireFrames(loop);
      CompletableFuture<Integer> heldAfterTheTurn = new CompletableFuture<>();
      loop.execute(
          () -> {
            wire.frame(OutFrame.of("[1,3,\"a\"]"), false, ALLOC).release();
            assertThat(wire.held()).isEqualTo(1);
            // Runs after the tasks of this turn, and after the release the frame scheduled first.
            loop.executeAfterEventLoopIteration(() -> heldAfterTheTurn.complete(wire.held()));
          });

      assertThat(heldAfterTheTurn.get(10, TimeUnit.SECONDS)).isZero();
    } finally {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
    }
  }
}
