package io.opencardkit.server.bots;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.server.testkit.PageFrames;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The web chat's socket as a signed-in user's page holds it: records every frame the server pushes. */
final class PageSocket implements AutoCloseable {
  private final List<JsonNode> frames = new ArrayList<>();
  private final PageFrames pageFrames = new PageFrames(); // one per socket: compact frames refer to its streams
  private final StringBuilder partial = new StringBuilder();
  private WebSocket ws;

  static PageSocket open(String baseUrl, String openId) throws Exception {
    PageSocket page = new PageSocket();
    URI uri = URI.create(baseUrl.replaceFirst("^http", "ws") + "/web/ws?user=" + openId);
    page.ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, page.listener()).get(10, TimeUnit.SECONDS);
    page.await(f -> "hello".equals(f.path("type").asText()), Duration.ofSeconds(10));
    page.ws.sendText("{\"type\":\"resume\",\"cards\":{}}", true); // from now on card frames flow too
    return page;
  }

  private WebSocket.Listener listener() {
    return new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        synchronized (frames) {
          partial.append(data);
          if (last) {
            JsonNode frame = pageFrames.read(partial.toString());
            if (frame != null) {
              frames.add(frame);
            }
            partial.setLength(0);
            frames.notifyAll();
          }
        }
        webSocket.request(1);
        return null;
      }
    };
  }

  /** The first frame (received so far or later) that matches; fails at the deadline. */
  JsonNode await(Predicate<JsonNode> matches, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (frames) {
      while (true) {
        for (JsonNode frame : frames) {
          if (matches.test(frame)) {
            return frame;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no matching frame within " + timeout + "; frames: " + frames);
        }
        TimeUnit.NANOSECONDS.timedWait(frames, left);
      }
    }
  }

  /** The toast frames received so far. */
  List<JsonNode> toasts() {
    synchronized (frames) {
      return frames.stream().filter(f -> "toast".equals(f.path("type").asText())).toList();
    }
  }

  @Override
  public void close() {
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
  }
}
