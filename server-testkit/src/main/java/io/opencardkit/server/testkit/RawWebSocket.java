package io.opencardkit.server.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A WebSocket client written on a plain TCP socket, for what the other test clients hide: the
 * handshake's headers, the frames' RSV1 bit and compressed bytes, and a peer that reads nothing at
 * all (its socket is never read unless a test asks for a frame). Blocking; one thread at a time.
 */
public final class RawWebSocket implements AutoCloseable {
  /** One frame as it came off the wire ({@code fin}: the last frame of its message). */
  public record Frame(boolean fin, int opcode, boolean rsv1, byte[] payload) {
    /**
     * The payload as text, inflated first when RSV1 is set, each message on its own (no context
     * takeover).
     */
    public String text() {
      byte[] bytes = rsv1 ? inflateAlone(payload) : payload;
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final int status;
  private final Map<String, String> headers;

  private RawWebSocket(Socket socket, InputStream in, int status, Map<String, String> headers)
      throws IOException {
    this.socket = socket;
    this.in = in;
    this.out = socket.getOutputStream();
    this.status = status;
    this.headers = headers;
  }

  /**
   * Sends the upgrade request for {@code pathAndQuery} and reads the answer's head.
   *
   * @param extensions the {@code Sec-WebSocket-Extensions} offer, e.g. Chromium's {@code
   *     permessage-deflate; client_max_window_bits}, or {@code null} for none
   */
  public static RawWebSocket open(String baseUrl, String pathAndQuery, String extensions)
      throws IOException {
    URI uri = URI.create(baseUrl);
    Socket socket = new Socket(uri.getHost(), uri.getPort());
    socket.setSoTimeout(30_000);
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    StringBuilder request = new StringBuilder();
    request.append("GET ").append(pathAndQuery).append(" HTTP/1.1\r\n");
    request.append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n");
    request.append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n");
    request
        .append("Sec-WebSocket-Key: ")
        .append(Base64.getEncoder().encodeToString(nonce))
        .append("\r\n");
    if (extensions != null) {
      request.append("Sec-WebSocket-Extensions: ").append(extensions).append("\r\n");
    }
    request.append("\r\n");
    socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
    InputStream in = new BufferedInputStream(socket.getInputStream());
    String statusLine = line(in);
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    Map<String, String> headers = new TreeMap<>();
    for (String header = line(in); !header.isEmpty(); header = line(in)) {
      int colon = header.indexOf(':');
      headers.put(
          header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          header.substring(colon + 1).trim());
    }
    return new RawWebSocket(socket, in, status, headers);
  }

  /** The handshake's HTTP status (101 when accepted). */
  public int status() {
    return status;
  }

  /** A header of the handshake's answer (name in any case), or {@code null}. */
  public String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  /** Sends one masked text frame, uncompressed. */
  public void sendText(String text) throws IOException {
    send(0x1, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Sends one masked frame with {@code opcode} (a pong is 0xA, a close 0x8), FIN set, uncompressed.
   */
  public synchronized void send(int opcode, byte[] payload) throws IOException {
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(0x80 | opcode);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else {
      frame.write(0x80 | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length & 0xff);
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    frame.write(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    out.write(frame.toByteArray());
    out.flush();
  }

  /** Reads the next frame (blocking). */
  public Frame read() throws IOException {
    DataInputStream data = new DataInputStream(in);
    int first = data.readUnsignedByte();
    int second = data.readUnsignedByte();
    long length = second & 0x7f;
    if (length == 126) {
      length = data.readUnsignedShort();
    } else if (length == 127) {
      length = data.readLong();
    }
    byte[] payload = new byte[Math.toIntExact(length)];
    data.readFully(payload);
    return new Frame((first & 0x80) != 0, first & 0x0f, (first & 0x40) != 0, payload);
  }

  /** Reads frames until a text frame comes. */
  public Frame readText() throws IOException {
    while (true) {
      Frame frame = read();
      if (frame.opcode() == 1) {
        return frame;
      }
    }
  }

  /**
   * Whether the server has reset the connection: reading what is buffered ends with "connection
   * reset" (or the end of the stream). Reads and discards everything the server sent.
   */
  public boolean drainUntilClosed() {
    byte[] buffer = new byte[64 * 1024];
    try {
      while (in.read(buffer) >= 0) {
        // discard
      }
      return true;
    } catch (IOException e) {
      return e.getMessage() != null && e.getMessage().toLowerCase(Locale.ROOT).contains("reset");
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("connection closed in the handshake's head");
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  private static byte[] inflateAlone(byte[] payload) {
    Inflater inflater = new Inflater(true);
    try {
      return inflate(inflater, payload);
    } catch (DataFormatException e) {
      throw new AssertionError(
          "a compressed frame that does not inflate on its own: " + e.getMessage(), e);
    } finally {
      inflater.end();
    }
  }

  /**
   * A message's payload inflated by {@code inflater} (raw deflate), which keeps its window for the
   * next message when the sender keeps its compression context.
   */
  static byte[] inflate(Inflater inflater, byte[] payload) throws DataFormatException {
    byte[] input = new byte[payload.length + 4];
    System.arraycopy(payload, 0, input, 0, payload.length);
    input[payload.length + 2] =
        (byte) 0xff; // the empty stored block the sender removed: 00 00 ff ff
    input[payload.length + 3] = (byte) 0xff;
    inflater.setInput(input);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    while (!inflater.needsInput() && !inflater.finished()) {
      int n = inflater.inflate(buffer);
      if (n == 0 && !inflater.needsInput()) {
        throw new DataFormatException("inflating made no progress");
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }
}
