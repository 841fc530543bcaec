package io.opencardkit.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.core.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A page stand-in on {@code /web/ws} that keeps every text frame exactly as received (no
 * compression negotiated).
 */
final class RawViewer implements AutoCloseable {
  private final List<String> texts = new ArrayList<>();
  private final StringBuilder partial = new StringBuilder();
  private WebSocket ws;

  static RawViewer open(String baseUrl, String openId) throws Exception {
    RawViewer viewer = new RawViewer();
    URI uri = URI.create(baseUrl.replaceFirst("^http", "ws") + "/web/ws?user=" + openId);
    viewer.ws =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .buildAsync(uri, viewer.listener())
            .get(10, TimeUnit.SECONDS);
    viewer.await(t -> t.startsWith("{\"type\":\"hello\""), Duration.ofSeconds(20), "hello");
    viewer.ws.sendText("{\"type\":\"resume\",\"cards\":{}}", true).get(10, TimeUnit.SECONDS);
    return viewer;
  }

  private WebSocket.Listener listener() {
    return new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
        synchronized (texts) {
          partial.append(data);
          if (last) {
            texts.add(partial.toString());
            partial.setLength(0);
            texts.notifyAll();
          }
        }
        socket.request(1);
        return null;
      }
    };
  }

  /** Every text frame so far, in order. */
  List<String> texts() {
    synchronized (texts) {
      return List.copyOf(texts);
    }
  }

  /**
   * The frames about versions of the card after {@code after} and their streams, exactly as
   * received: compact appends, {@code card} objects and stream announcements (what the node that
   * committed an event builds; the message frame that shows a card is built by each node from its
   * own copy, and may hold a different version).
   */
  List<String> cardFrames(String cardId, long after) {
    List<String> frames = new ArrayList<>();
    for (String text : texts()) {
      if (text.startsWith("{\"type\":\"stream\"")) {
        frames.add(text);
      } else if (text.startsWith("[") || text.startsWith("{\"type\":\"card\"")) {
        JsonNode frame = Json.parseOrNull(text);
        long version = frame.isArray() ? frame.get(1).asLong() : frame.path("version").asLong();
        if ((frame.isArray() || cardId.equals(frame.path("card_id").asText())) && version > after) {
          frames.add(text);
        }
      }
    }
    return frames;
  }

  /** The card versions after {@code after} that those frames carry, in order. */
  List<Long> versions(String cardId, long after) {
    List<Long> versions = new ArrayList<>();
    for (String text : cardFrames(cardId, after)) {
      JsonNode frame = Json.parseOrNull(text);
      if (frame.isArray()) {
        versions.add(frame.get(1).asLong());
      } else if ("card".equals(frame.path("type").asText())) {
        versions.add(frame.path("version").asLong());
      }
    }
    return versions;
  }

  /** Waits for the message frame that shows the card. */
  void awaitMessage(String cardId, Duration timeout) throws InterruptedException {
    await(
        t -> t.startsWith("{\"type\":\"message\"") && t.contains("\"card_id\":\"" + cardId + "\""),
        timeout,
        "message of " + cardId);
  }

  void await(Predicate<String> match, Duration timeout, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (texts) {
      while (texts.stream().noneMatch(match)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no frame " + what + " within " + timeout + "; got " + texts);
        }
        TimeUnit.NANOSECONDS.timedWait(texts, left);
      }
    }
  }

  /** Waits for a frame of the card at {@code version}, compact or not. */
  void awaitVersion(String cardId, long version, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!versions(cardId, 0).contains(version)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "no frame of " + cardId + " at version " + version + "; got " + texts());
      }
      synchronized (texts) {
        texts.wait(50);
      }
    }
  }

  @Override
  public void close() {
    ws.abort();
  }
}
