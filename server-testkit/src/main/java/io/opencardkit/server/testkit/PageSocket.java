package io.opencardkit.server.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The web chat's socket as a page holds it, on {@code /web/ws}: records every text frame the server
 * pushes, read as the page reads it ({@link PageFrames}: compact append frames become the {@code
 * card} frames they stand for). {@link #signedIn} is a signed-in user's page that has loaded (card
 * frames flow); {@link #open} leaves the conversation to the test. Opened paused, it reads nothing
 * (no demand), so the server's writes pile up until {@link #startReading()}, as with a browser that
 * cannot keep up.
 *
 * <p>By default it negotiates no compression (the JDK's WebSocket client offers none). {@link
 * #openLikeChromium} offers permessage-deflate as Chromium does ({@value #CHROMIUM_DEFLATE}) over a
 * {@link RawWebSocket}, inflates what the server compressed, and answers pings as browsers do; a
 * test of the wire itself (the handshake's extensions, the compressed bytes) uses a {@link
 * RawWebSocket} directly.
 */
public final class PageSocket implements AutoCloseable {
  private final List<JsonNode> frames = new ArrayList<>();
  private final PageFrames pageFrames =
      new PageFrames(); // one per socket: compact frames refer to its streams
  private final StringBuilder partial = new StringBuilder();
  private volatile boolean paused;
  private volatile boolean closed;
  private final AtomicLong receivedChars = new AtomicLong();
  private final AtomicLong textMessages = new AtomicLong();
  private final AtomicLong receivedBytes = new AtomicLong();
  private volatile int closeStatus = -1;
  private WebSocket ws; // the JDK's client, or null when deflating
  private RawWebSocket raw; // the socket of openLikeChromium
  private Inflater inflater; // one for the socket: the server may keep its compression context

  /** The {@code Sec-WebSocket-Extensions} offer of Chromium. */
  public static final String CHROMIUM_DEFLATE = "permessage-deflate; client_max_window_bits";

  private PageSocket(boolean paused) {
    this.paused = paused;
  }

  /**
   * Opens a socket with the query string (e.g. {@code user=ou_…}); throws the handshake status as a
   * failure.
   */
  public static PageSocket open(String baseUrl, String query, boolean paused) throws Exception {
    return open(baseUrl, query, paused, Map.of());
  }

  /**
   * As {@link #open(String, String, boolean)}, with handshake headers (a session {@code Cookie}, an
   * {@code Origin}).
   */
  public static PageSocket open(
      String baseUrl, String query, boolean paused, Map<String, String> headers) throws Exception {
    PageSocket socket = new PageSocket(paused);
    URI uri = URI.create(baseUrl.replaceFirst("^http", "ws") + "/web/ws?" + query);
    WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
    headers.forEach(builder::header);
    socket.ws = builder.buildAsync(uri, socket.listener()).get(10, TimeUnit.SECONDS);
    return socket;
  }

  /**
   * The page of the signed-in user {@code openId} (development sign-in, {@code ?user=}), once the
   * server said hello and the page asked for card frames ({@code resume} with no cards).
   */
  public static PageSocket signedIn(String baseUrl, String openId) throws Exception {
    return open(baseUrl, "user=" + openId, false).loaded();
  }

  /** As {@link #signedIn}, with the socket of {@link #openLikeChromium}. */
  public static PageSocket signedInLikeChromium(String baseUrl, String openId) throws Exception {
    return openLikeChromium(baseUrl, "user=" + openId).loaded();
  }

  /**
   * Opens a socket that offers permessage-deflate as Chromium does, and reads it on a thread of its
   * own; throws when the server refuses the handshake. It is never paused.
   */
  public static PageSocket openLikeChromium(String baseUrl, String query) throws Exception {
    PageSocket socket = new PageSocket(false);
    socket.raw = RawWebSocket.open(baseUrl, "/web/ws?" + query, CHROMIUM_DEFLATE);
    if (socket.raw.status() != 101) {
      socket.raw.close();
      throw new AssertionError("the handshake was refused with " + socket.raw.status());
    }
    String extensions = socket.raw.header("Sec-WebSocket-Extensions");
    socket.inflater =
        extensions != null && extensions.contains("permessage-deflate") ? new Inflater(true) : null;
    Thread reader = new Thread(socket::readRaw, "page-socket-reader");
    reader.setDaemon(true);
    reader.start();
    return socket;
  }

  /** Whether the server agreed to compress this socket's frames. */
  public boolean deflating() {
    return inflater != null;
  }

  /**
   * Waits for the server's hello and asks for card frames (a {@code resume} with no cards), as the
   * page does once connected; returns this socket.
   */
  public PageSocket loaded() throws Exception {
    await(f -> "hello".equals(f.path("type").asText()), Duration.ofSeconds(10), "hello");
    resume("{}");
    return this;
  }

  /** The HTTP status with which the server refused the handshake. */
  public static int refusedStatus(String baseUrl, String query) throws Exception {
    return refusedStatus(baseUrl, query, Map.of());
  }

  /** The HTTP status with which the server refused the handshake with these headers. */
  public static int refusedStatus(String baseUrl, String query, Map<String, String> headers)
      throws Exception {
    try {
      open(baseUrl, query, false, headers).close();
      throw new AssertionError("the handshake was accepted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException) {
        return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
      }
      throw e;
    }
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
          receivedChars.addAndGet(data.length());
          if (last) {
            String text = partial.toString();
            partial.setLength(0);
            received(text, text.getBytes(StandardCharsets.UTF_8).length);
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

  private void received(String text, long wireBytes) {
    synchronized (frames) {
      textMessages.incrementAndGet();
      receivedBytes.addAndGet(wireBytes);
      JsonNode frame = pageFrames.read(text);
      if (frame != null) {
        frames.add(frame);
      }
      frames.notifyAll();
    }
  }

  /**
   * The reader of a {@link #openLikeChromium} socket: whole messages, inflated; pongs; the close
   * frame's status.
   */
  private void readRaw() {
    ByteArrayOutputStream message = new ByteArrayOutputStream();
    boolean compressed = false;
    try {
      while (true) {
        RawWebSocket.Frame frame = raw.read();
        int opcode = frame.opcode();
        if (opcode == 0x9) {
          raw.send(0xA, frame.payload()); // a ping: browsers answer by themselves
        } else if (opcode == 0x8) {
          byte[] p = frame.payload();
          closeStatus = p.length >= 2 ? ((p[0] & 0xff) << 8) | (p[1] & 0xff) : -1;
          break;
        } else if (opcode == 0x1 || opcode == 0x0) {
          if (opcode == 0x1) {
            message.reset();
            compressed = frame.rsv1();
          }
          message.write(frame.payload());
          if (frame.fin()) {
            byte[] bytes =
                compressed
                    ? RawWebSocket.inflate(inflater, message.toByteArray())
                    : message.toByteArray();
            String text = new String(bytes, StandardCharsets.UTF_8);
            receivedChars.addAndGet(text.length());
            received(text, message.size());
          }
        }
      }
    } catch (IOException | DataFormatException e) {
      // the connection ended (reset, or closed without a close frame), or a frame did not inflate:
      // the socket is closed
    } finally {
      if (inflater != null) {
        inflater.end();
      }
      markClosed();
    }
  }

  private void markClosed() {
    synchronized (frames) {
      closed = true;
      frames.notifyAll();
    }
  }

  /** Starts reading what the server sent while the socket was paused. */
  public void startReading() {
    if (raw != null) {
      throw new IllegalStateException("a socket opened like Chromium is never paused");
    }
    paused = false;
    ws.request(1);
  }

  public void send(String text) throws Exception {
    if (raw != null) {
      raw.sendText(text);
      return;
    }
    ws.sendText(text, true).get(10, TimeUnit.SECONDS);
  }

  /** Sends {@code {"type":"resume","cards":cards}} where {@code cards} is a JSON object text. */
  public void resume(String cardsJson) throws Exception {
    send("{\"type\":\"resume\",\"cards\":" + cardsJson + "}");
  }

  /**
   * Resumes {@code cardId}, which the page loaded at {@code loadedVersion}, and waits until the
   * server has handled that resume: the page claims one version less, so the server's answer
   * carries the loaded version (a snapshot, or a card frame). Updates made after this reach the
   * page as live frames, whereas an update racing with a plain {@link #resume} may be folded into
   * the resume's snapshot instead (which the protocol allows).
   */
  public void resumeAndAwait(String cardId, long loadedVersion) throws Exception {
    resume("{\"" + cardId + "\":" + (loadedVersion - 1) + "}");
    await(
        f ->
            cardId.equals(f.path("card_id").asText())
                && f.path("version").asLong() == loadedVersion,
        Duration.ofSeconds(10),
        "the answer to the resume of " + cardId);
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
    return receivedChars.get();
  }

  /** Text messages received (every one, including those {@link PageFrames} keeps to itself). */
  public long textMessages() {
    return textMessages.get();
  }

  /**
   * Payload bytes of the text messages received, as they came off the wire (compressed when {@link
   * #deflating()}).
   */
  public long receivedBytes() {
    return receivedBytes.get();
  }

  /** The status of the server's close frame, or -1 while open (or closed without one). */
  public int closeStatus() {
    return closeStatus;
  }

  /** The toast frames received so far. */
  public List<JsonNode> toasts() {
    synchronized (frames) {
      return frames.stream().filter(f -> "toast".equals(f.path("type").asText())).toList();
    }
  }

  /**
   * Waits until some frame (received before or after the call) matches; returns the first match.
   */
  public JsonNode await(Predicate<JsonNode> match, Duration timeout) throws InterruptedException {
    return await(match, timeout, "matching");
  }

  /**
   * Waits until some frame (received before or after the call) matches; returns the first match.
   */
  public JsonNode await(Predicate<JsonNode> match, Duration timeout, String what)
      throws InterruptedException {
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
              "no frame "
                  + what
                  + " within "
                  + timeout
                  + (closed ? " (socket closed)" : "")
                  + "; got "
                  + frames.size()
                  + " frames: "
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
    if (raw != null) {
      try {
        raw.send(0x8, new byte[] {0x03, (byte) 0xe8}); // 1000, normal closure
      } catch (IOException e) {
        // closed already
      }
      try {
        raw.close();
      } catch (IOException e) {
        // closed already
      }
    }
    if (ws != null && !ws.isOutputClosed()) {
      CompletableFuture<WebSocket> done = ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
      done.orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
    if (ws != null) {
      ws.abort();
    }
  }
}
