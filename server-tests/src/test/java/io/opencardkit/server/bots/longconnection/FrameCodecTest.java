package io.opencardkit.server.bots.longconnection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.lark.oapi.google.protobuf.ByteString;
import com.lark.oapi.ws.pb.Pbbp2;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Our hand-written codec against the protobuf classes generated for the official Java SDK. */
final class FrameCodecTest {
  private static Frame dataFrame() {
    return new Frame(
        7,
        123456789012L,
        33554678,
        Frame.DATA,
        List.of(
            new Frame.Header("type", "event"),
            new Frame.Header("message_id", "msg_1"),
            new Frame.Header("sum", "1"),
            new Frame.Header("seq", "0"),
            new Frame.Header("trace_id", "tr_1")),
        null,
        null,
        "{\"schema\":\"2.0\",\"text\":\"中文\"}".getBytes(StandardCharsets.UTF_8),
        null);
  }

  @Test
  void encode_dataFrame_isReadBySdkProtobuf() throws Exception {
    Pbbp2.Frame parsed = Pbbp2.Frame.parseFrom(FrameCodec.encode(dataFrame()));

    assertThat(parsed.getSeqID()).isEqualTo(7);
    assertThat(parsed.getLogID()).isEqualTo(123456789012L);
    assertThat(parsed.getService()).isEqualTo(33554678);
    assertThat(parsed.getMethod()).isEqualTo(1);
    assertThat(parsed.getHeadersList())
        .extracting(Pbbp2.Header::getKey)
        .containsExactly("type", "message_id", "sum", "seq", "trace_id");
    assertThat(parsed.getPayload().toStringUtf8())
        .isEqualTo("{\"schema\":\"2.0\",\"text\":\"中文\"}");
    assertThat(parsed.hasLogIDNew()).isFalse();
  }

  @Test
  void encode_controlFrameWithoutPayload_hasNoPayloadForTheSdk() throws Exception {
    Frame pong =
        new Frame(
            0,
            0,
            1,
            Frame.CONTROL,
            List.of(new Frame.Header("type", "pong")),
            null,
            null,
            null,
            null);

    Pbbp2.Frame parsed = Pbbp2.Frame.parseFrom(FrameCodec.encode(pong));

    // The Java SDK reads a pong's payload as new client settings only when one is present.
    assertThat(parsed.hasPayload()).isFalse();
    assertThat(parsed.getMethod()).isZero();
  }

  @Test
  void decode_sdkPingFrame_readsAllFields() {
    byte[] ping =
        Pbbp2.Frame.newBuilder()
            .setSeqID(0)
            .setLogID(0)
            .setService(42)
            .setMethod(0)
            .addHeaders(Pbbp2.Header.newBuilder().setKey("type").setValue("ping").build())
            .build()
            .toByteArray();

    Frame frame = FrameCodec.decode(ping);

    assertThat(frame.method()).isEqualTo(Frame.CONTROL);
    assertThat(frame.service()).isEqualTo(42);
    assertThat(frame.header("type")).isEqualTo("ping");
    assertThat(frame.payload()).isNull();
  }

  @Test
  void decode_sdkReplyFrame_keepsEchoedHeadersAndAddedOnes() {
    // What the SDK sends back: our frame, rebuilt with a new payload and a biz_rt header.
    Pbbp2.Frame reply =
        Pbbp2.Frame.newBuilder(parse(FrameCodec.encode(dataFrame())))
            .setPayload(ByteString.copyFromUtf8("{\"code\":200}"))
            .addHeaders(Pbbp2.Header.newBuilder().setKey("biz_rt").setValue("3").build())
            .setLogIDNew("log-new")
            .build();

    Frame frame = FrameCodec.decode(reply.toByteArray());

    assertThat(frame.header("message_id")).isEqualTo("msg_1");
    assertThat(frame.header("biz_rt")).isEqualTo("3");
    assertThat(new String(frame.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"code\":200}");
    assertThat(frame.logIdNew()).isEqualTo("log-new");
  }

  @Test
  void roundTrip_negativeServiceAndLargeIds_survive() {
    Frame frame =
        new Frame(
            -1L, Long.MAX_VALUE, -5, Frame.DATA, List.of(), "json", "event", new byte[0], "x");

    Frame back = FrameCodec.decode(FrameCodec.encode(frame));

    assertThat(back.seqId()).isEqualTo(-1L);
    assertThat(back.logId()).isEqualTo(Long.MAX_VALUE);
    assertThat(back.service()).isEqualTo(-5);
    assertThat(back.payloadEncoding()).isEqualTo("json");
    assertThat(back.payloadType()).isEqualTo("event");
    assertThat(back.payload()).isEmpty();
  }

  @Test
  void decode_truncatedBytes_isRefused() {
    byte[] bytes = FrameCodec.encode(dataFrame());
    byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 3);

    assertThatThrownBy(() -> FrameCodec.decode(truncated))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void decode_unknownFields_areSkipped() {
    byte[] known = FrameCodec.encode(new Frame(1, 2, 3, 1, List.of(), null, null, null, null));
    byte[] extra = {
      (byte) ((10 << 3) | 0),
      5,
      (byte) ((11 << 3) | 5),
      1,
      2,
      3,
      4,
      (byte) ((12 << 3) | 1),
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8
    };
    byte[] bytes = new byte[known.length + extra.length];
    System.arraycopy(known, 0, bytes, 0, known.length);
    System.arraycopy(extra, 0, bytes, known.length, extra.length);

    assertThat(FrameCodec.decode(bytes).service()).isEqualTo(3);
  }

  private static Pbbp2.Frame parse(byte[] bytes) {
    try {
      return Pbbp2.Frame.parseFrom(bytes);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
