package io.opencardkit.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.server.testkit.PageFrames;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A browser stand-in on {@code /web/ws}: records every text frame, parsed. Opened paused, it reads nothing (no
 * demand), so the server's writes pile up until {@link #startReading()}, as with a browser that cannot keep up.
 */
public final class RecordingSocket implements AutoCloseable {
  private final List<JsonNode> frames = new ArrayList<>();
  private final PageFrames pageFrames = new PageFrames(); // one per socket: compact frames refer to its streams
  private final StringBuilder partial = new StringBuilder();
  private volatile boolean paused;
  private volatile boolean closed;
  private volatile long receivedChars;
  private volatile long textMessages;
  private volatile long receivedBytes;
  private volatile int closeStatus = -1;
  private WebSocket ws;

  private RecordingSocket(boolean paused) {
    this.paused = paused;
  }

  /** Opens a socket with the query string (e.g. {@code user=ou_…}); throws the handshake status as a failure. */
  public static RecordingSocket open(String baseUrl, String query, boolean paused) throws Exception {
    return open(baseUrl, query, paused, Map.of());
  }

  /** As {@link #open(String, String, boolean)}, with handshake headers (a session {@code Cookie}, an {@code Origin}). */
  public static RecordingSocket open(String baseUrl, String query, boolean paused, Map<String, String> headers) throws Exception {
    RecordingSocket socket = new RecordingSocket(paused);
    URI uri = URI.create(baseUrl.replaceFirst("^http", "ws") + "/web/ws?" + query);
    WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
    headers.forEach(builder::header);
    socket.ws = builder.buildAsync(uri, socket.listener()).get(10, TimeUnit.SECONDS);
    return socket;
  }

  /** The HTTP status with which the server refused the handshake. */
  public static int refusedStatus(String baseUrl, String query) throws Exception {
    return refusedStatus(baseUrl, query, Map.of());
  }

  /** The HTTP status with which the server refused the handshake with these headers. */
  public static int refusedStatus(String baseUrl, String query, Map<String, String> headers) throws Exception {
    try {
      open(baseUrl, query, false, headers).close();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException) {
        return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
      }
      throw e;
    }
    throw new AssertionError("the handshake was accepted");
  }

  private WebSocket.Listener listener() {
    return new WebSocket.Listener() {
      @Override
      public void onOpen(WebSocket webSocket) {
        if (!paused) {
          webSocket.request(1);
        }
      }

      @Override
      public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        synchronized (frames) {
          partial.append(data);
          receivedChars += data.length();
          if (last) {
            textMessages++;
            receivedBytes += partial.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            JsonNode frame = pageFrames.read(partial.toString());
            if (frame != null) {
              frames.add(frame);
            }
            partial.setLength(0);
            frames.notifyAll();
          }
        }
        if (!paused) {
          webSocket.request(1);
        }
        return null;
      }

      @Override
      public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeStatus = statusCode;
        markClosed();
        return null;
      }

      @Override
      public void onError(WebSocket webSocket, Throwable error) {
        markClosed();
      }
    };
  }

  private void markClosed() {
    synchronized (frames) {
      closed = true;
      frames.notifyAll();
    }
  }

  /** Starts reading what the server sent while the socket was paused. */
  public void startReading() {
    paused = false;
    ws.request(1);
  }

  public void send(String text) throws Exception {
    ws.sendText(text, true).get(10, TimeUnit.SECONDS);
  }

  /** Sends {@code {"type":"resume","cards":cards}} where {@code cards} is a JSON object text. */
  public void resume(String cardsJson) throws Exception {
    send("{\"type\":\"resume\",\"cards\":" + cardsJson + "}");
  }

  /** Every frame received so far, in order. */
  public List<JsonNode> frames() {
    synchronized (frames) {
      return List.copyOf(frames);
    }
  }

  /** Compact append frames received (docs/web-protocol.md). */
  public long compactFrames() {
    synchronized (frames) {
      return pageFrames.compactFrames();
    }
  }

  public long receivedChars() {
    return receivedChars;
  }

  /** Text messages received (every one, including those {@link PageFrames} keeps to itself). */
  public long textMessages() {
    return textMessages;
  }

  /** UTF-8 bytes of the text messages received (the server's payload bytes: this client negotiates no compression). */
  public long receivedBytes() {
    return receivedBytes;
  }

  /** The status of the server's close frame, or -1 while open (or closed without one). */
  public int closeStatus() {
    return closeStatus;
  }

  /** Waits until some frame (received before or after the call) matches; returns the first match. */
  public JsonNode await(Predicate<JsonNode> match, Duration timeout, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (frames) {
      while (true) {
        for (JsonNode frame : frames) {
          if (match.test(frame)) {
            return frame;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || closed) {
          throw new AssertionError(
              "no frame " + what + " within " + timeout + (closed ? " (socket closed)" : "") + "; got " + frames.size() + " frames: "
                  + abbreviated());
        }
        TimeUnit.NANOSECONDS.timedWait(frames, left);
      }
    }
  }

  private String abbreviated() {
    StringBuilder s = new StringBuilder();
    for (JsonNode frame : frames.subList(Math.max(0, frames.size() - 8), frames.size())) {
      String text = String.valueOf(frame);
      s.append(text, 0, Math.min(text.length(), 200)).append('\n');
    }
    return s.toString();
  }

  /** Waits until the server closes the socket. */
  public void awaitClosed(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (frames) {
      while (!closed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("the socket is still open after " + timeout);
        }
        TimeUnit.NANOSECONDS.timedWait(frames, left);
      }
    }
  }

  @Override
  public void close() {
    if (ws != null && !ws.isOutputClosed()) {
      CompletableFuture<WebSocket> done = ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
      done.orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
    if (ws != null) {
      ws.abort();
    }
  }
}
