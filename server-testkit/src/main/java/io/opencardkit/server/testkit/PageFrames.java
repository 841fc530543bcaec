package io.opencardkit.server.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.Json;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads server → page frames of one socket the way the page does (docs/web-protocol.md): a compact
 * append frame {@code [stream,version,"text"]} becomes the {@code card} frame it stands for ({@code
 * op: append}, without {@code offset}: the text goes at the end of the element's text), using the
 * streams the socket was told of. Not thread-safe: one per socket, fed in order.
 */
public final class PageFrames {
  private record Stream(String cardId, String elementId) {}

  private final Map<Long, Stream> streams = new HashMap<>();
  private long compactFrames;

  /**
   * The frame as the page understands it, or {@code null} for a {@code stream} announcement (which
   * only prepares the frames that follow) and for text that is no JSON.
   */
  public JsonNode read(String text) {
    JsonNode frame = Json.parseOrNull(text);
    if (frame == null) {
      return null;
    }
    if (frame.isArray()) {
      Stream stream = streams.get(frame.path(0).asLong());
      if (stream == null) {
        throw new AssertionError(
            "compact frame of a stream never announced on this socket: " + text);
      }
      compactFrames++;
      ObjectNode card =
          Json.object()
              .put("type", "card")
              .put("card_id", stream.cardId())
              .put("version", frame.path(1).asLong());
      return card.put("op", "append")
          .put("element_id", stream.elementId())
          .put("text", frame.path(2).asText());
    }
    if ("stream".equals(frame.path("type").asText())) {
      streams.put(
          frame.path("k").asLong(),
          new Stream(frame.path("card_id").asText(), frame.path("element_id").asText()));
      return null;
    }
    return frame;
  }

  /** Compact append frames read so far. */
  public long compactFrames() {
    return compactFrames;
  }
}
