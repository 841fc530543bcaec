package io.opencardkit.server.bots.longconnection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.lark.oapi.core.utils.Jsons;
import com.lark.oapi.ws.model.ClientConfig;
import com.lark.oapi.ws.model.Response;
import io.opencardkit.server.bots.BotReply;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

final class LongConnectionFramesTest {
  private static Frame replyWith(String payload) {
    return new Frame(
        1,
        2,
        3,
        Frame.DATA,
        List.of(new Frame.Header("message_id", "m")),
        null,
        null,
        payload.getBytes(StandardCharsets.UTF_8),
        null);
  }

  @Test
  void event_smallPayload_isOneFrameWithTheHeadersTheSdksRequire() {
    List<Frame> frames =
        LongConnectionFrames.event(
            10, 99, 7, "msg_1", "tr_1", "{}".getBytes(StandardCharsets.UTF_8));

    assertThat(frames)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.method()).isEqualTo(Frame.DATA);
              assertThat(f.service()).isEqualTo(7);
              // The Java SDK throws on a data frame without any of these.
              assertThat(f.headers())
                  .extracting(Frame.Header::key)
                  .containsExactly("type", "message_id", "sum", "seq", "trace_id");
              assertThat(f.header("type")).isEqualTo("event");
              assertThat(f.header("sum")).isEqualTo("1");
              assertThat(f.header("seq")).isEqualTo("0");
            });
  }

  @Test
  void event_largePayload_isSplitIntoNumberedPartsThatJoinBack() {
    byte[] payload = new byte[LongConnectionFrames.MAX_PART_BYTES * 2 + 5];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) i;
    }

    List<Frame> frames = LongConnectionFrames.event(10, 99, 7, "msg_2", "tr_2", payload);

    assertThat(frames).hasSize(3);
    assertThat(frames).extracting(f -> f.header("seq")).containsExactly("0", "1", "2");
    assertThat(frames).extracting(f -> f.header("sum")).containsOnly("3");
    assertThat(frames).extracting(f -> f.header("message_id")).containsOnly("msg_2");
    java.io.ByteArrayOutputStream joined = new java.io.ByteArrayOutputStream();
    frames.forEach(f -> joined.writeBytes(f.payload()));
    assertThat(joined.toByteArray()).isEqualTo(payload);
  }

  @Test
  void pong_carriesAllFourClientSettingsAsTheSdkReadsThem() {
    Frame pong = LongConnectionFrames.pong(7, LongConnectionSettings.DEFAULT);

    ClientConfig config =
        Jsons.DEFAULT.fromJson(
            new String(pong.payload(), StandardCharsets.UTF_8), ClientConfig.class);
    // The Java SDK copies each into a boxed field and multiplies it in its ping loop: none may be
    // missing.
    assertThat(config.getPingInterval()).isEqualTo(120);
    assertThat(config.getReconnectCount()).isEqualTo(-1);
    assertThat(config.getReconnectInterval()).isEqualTo(120);
    assertThat(config.getReconnectNonce()).isEqualTo(30);
    assertThat(pong.header("type")).isEqualTo("pong");
    assertThat(pong.method()).isEqualTo(Frame.CONTROL);
  }

  @Test
  void reply_javaSdkForm_readsTheByteArray() {
    Response response = new Response(200);
    response.setData("{\"toast\":{\"content\":\"你好\"}}".getBytes(StandardCharsets.UTF_8));

    BotReply reply =
        LongConnectionFrames.reply(
            replyWith(Jsons.DEFAULT.toJson(response))); // what the Java SDK sends

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body()).isEqualTo("{\"toast\":{\"content\":\"你好\"}}");
  }

  @Test
  void reply_nodeSdkForm_readsTheBase64() {
    String data = Base64.getEncoder().encodeToString("{\"a\":1}".getBytes(StandardCharsets.UTF_8));

    assertThat(
            LongConnectionFrames.reply(replyWith("{\"code\":200,\"data\":\"" + data + "\"}"))
                .body())
        .isEqualTo("{\"a\":1}");
  }

  @Test
  void reply_handlerFailedWithoutData_isCode500AndEmptyBody() {
    assertThat(LongConnectionFrames.reply(replyWith("{\"code\":500}")))
        .isEqualTo(new BotReply(500, ""));
  }

  @Test
  void reply_notJson_isRefused() {
    assertThatThrownBy(() -> LongConnectionFrames.reply(replyWith("pong")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
