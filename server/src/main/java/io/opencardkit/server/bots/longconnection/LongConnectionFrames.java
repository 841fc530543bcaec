package io.opencardkit.server.bots.longconnection;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.core.Json;
import io.opencardkit.server.bots.BotReply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The frames OpenCardKit exchanges with the SDKs' long-connection clients, as pure functions.
 *
 * <ul>
 *   <li>Server → client data: {@code method} 1, headers {@code type=event}, {@code message_id},
 *       {@code sum}, {@code seq}, {@code trace_id}; the payload is the plaintext JSON body (no
 *       encryption, no signature: the connection was authenticated once). Card callbacks travel as
 *       {@code type=event} frames too: the Java and Node SDKs drop {@code type=card} frames without
 *       answering. A payload over {@value #MAX_PART_BYTES} bytes is split into {@code sum} frames
 *       with the same {@code message_id} and {@code seq} 0, 1, …; the SDKs reassemble them.
 *   <li>Client → server reply: the same frame echoed (plus a {@code biz_rt} header) with the
 *       payload {@code {"code":200|500,"data":…}}, where {@code data} is the handler's result as
 *       JSON bytes: a base64 string (Node) or an array of signed bytes (Java's Gson).
 *   <li>Control: the client pings ({@code method} 0, {@code type=ping}); the server answers {@code
 *       type=pong} with the client settings as payload.
 * </ul>
 */
final class LongConnectionFrames {
  /*
   * Large enough that real events (text messages are at most 150 KB) go out whole. The Java SDK 2.5.3 joins parts with
   * a check-then-put on a Guava cache (Client.combine), which loses a part when two parts are handled at once; under
   * CPU load an 80 KB event split in two was never handed to the bot. WebSocket fragmentation below this size is
   * Vert.x's and OkHttp's business, which both handle.
   */
  static final int MAX_PART_BYTES = 1024 * 1024;

  private LongConnectionFrames() {}

  /** The data frames of one delivery (one, or several parts of a large payload). */
  static List<Frame> event(
      long firstSeqId, long logId, int service, String messageId, String traceId, byte[] payload) {
    int sum = Math.max(1, (payload.length + MAX_PART_BYTES - 1) / MAX_PART_BYTES);
    List<Frame> frames = new ArrayList<>(sum);
    for (int seq = 0; seq < sum; seq++) {
      int from = seq * MAX_PART_BYTES;
      byte[] part =
          java.util.Arrays.copyOfRange(
              payload, from, Math.min(payload.length, from + MAX_PART_BYTES));
      List<Frame.Header> headers =
          List.of(
              new Frame.Header("type", "event"),
              new Frame.Header("message_id", messageId),
              new Frame.Header("sum", Integer.toString(sum)),
              new Frame.Header("seq", Integer.toString(seq)),
              new Frame.Header("trace_id", traceId));
      frames.add(
          new Frame(firstSeqId + seq, logId, service, Frame.DATA, headers, null, null, part, null));
    }
    return frames;
  }

  /** The answer to a ping: the client settings, which both SDKs apply. */
  static Frame pong(int service, LongConnectionSettings settings) {
    byte[] payload = Json.write(settings.clientConfig()).getBytes(StandardCharsets.UTF_8);
    return new Frame(
        0,
        0,
        service,
        Frame.CONTROL,
        List.of(new Frame.Header("type", "pong")),
        null,
        null,
        payload,
        null);
  }

  /**
   * The bot's answer carried by a reply frame.
   *
   * @throws IllegalArgumentException when the payload is not {@code {"code":…}} JSON
   */
  static BotReply reply(Frame frame) {
    JsonNode payload =
        frame.payload() == null
            ? null
            : Json.parseOrNull(new String(frame.payload(), StandardCharsets.UTF_8));
    if (payload == null || !payload.path("code").canConvertToInt()) {
      throw new IllegalArgumentException("a reply frame's payload must be {\"code\":…}");
    }
    JsonNode data = payload.get("data");
    String body = "";
    if (data != null && data.isTextual()) {
      body = new String(Base64.getDecoder().decode(data.asText()), StandardCharsets.UTF_8);
    } else if (data != null && data.isArray()) {
      byte[] bytes = new byte[data.size()];
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = (byte) data.get(i).asInt(); // Gson writes byte[] as signed numbers
      }
      body = new String(bytes, StandardCharsets.UTF_8);
    }
    return new BotReply(payload.get("code").asInt(), body);
  }
}
