package io.opencardkit.server.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.core.Json;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * An HTTP/1.1 connection on a plain socket, for what no HTTP client sends: a request line with
 * {@code %ZZ}, bytes that are not UTF-8, a request that stops in the middle of its headers, a
 * connection from another loopback address (127.0.0.2 is another client to the server).
 */
public final class RawHttpConnection implements AutoCloseable {
  /** A response as read off the wire. {@code json} is null when the body is not JSON. */
  public record Response(int status, Map<String, String> headers, String body, JsonNode json) {
    public int code() {
      return json == null ? Integer.MIN_VALUE : json.path("code").asInt(Integer.MIN_VALUE);
    }

    @Override
    public String toString() {
      return "HTTP " + status + " " + body;
    }
  }

  private final Socket socket;
  private final InputStream in;

  private RawHttpConnection(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream());
  }

  /** Connects to the server of {@code baseUrl} from 127.0.0.1. */
  public static RawHttpConnection open(String baseUrl) {
    return open(baseUrl, "127.0.0.1");
  }

  /** Connects from the given local address (any of 127.0.0.0/8 on Linux). */
  public static RawHttpConnection open(String baseUrl, String fromAddress) {
    URI uri = URI.create(baseUrl);
    Socket socket = new Socket();
    try {
      socket.bind(new InetSocketAddress(fromAddress, 0));
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
      socket.setSoTimeout(30_000);
      return new RawHttpConnection(socket);
    } catch (IOException e) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // failed anyway
      }
      throw new UncheckedIOException("cannot connect to " + baseUrl + " from " + fromAddress, e);
    }
  }

  /** One request with {@code Connection: close} on a new connection; returns its response. */
  public static Response exchange(
      String baseUrl, String method, String rawTarget, String token, byte[] body) {
    try (RawHttpConnection connection = open(baseUrl)) {
      connection.send(request(method, rawTarget, token, body));
      return connection.readResponse();
    }
  }

  /**
   * The bytes of a request: the target exactly as given, a JSON content type when there is a body.
   */
  public static byte[] request(String method, String rawTarget, String token, byte[] body) {
    StringBuilder head = new StringBuilder();
    head.append(method)
        .append(' ')
        .append(rawTarget)
        .append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    if (token != null) {
      head.append("Authorization: Bearer ").append(token).append("\r\n");
    }
    if (body != null) {
      head.append("Content-Type: application/json; charset=utf-8\r\nContent-Length: ")
          .append(body.length)
          .append("\r\n");
    }
    head.append("\r\n");
    byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
    if (body == null) {
      return headBytes;
    }
    byte[] all = new byte[headBytes.length + body.length];
    System.arraycopy(headBytes, 0, all, 0, headBytes.length);
    System.arraycopy(body, 0, all, headBytes.length, body.length);
    return all;
  }

  public RawHttpConnection send(byte[] bytes) {
    try {
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public RawHttpConnection send(String text) {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /**
   * Reads one response (head, then a body of Content-Length bytes, or up to the end of the
   * connection).
   */
  public Response readResponse() {
    try {
      String statusLine = line();
      if (statusLine == null) {
        throw new IllegalStateException("the connection closed before a response");
      }
      int status = Integer.parseInt(statusLine.split(" ")[1]);
      Map<String, String> headers = new TreeMap<>();
      for (String header = line(); header != null && !header.isEmpty(); header = line()) {
        int colon = header.indexOf(':');
        headers.put(
            header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
            header.substring(colon + 1).trim());
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      String length = headers.get("content-length");
      if (status < 200 || status == 204 || status == 304) {
        // no body
      } else if (length != null) {
        byte[] bytes = in.readNBytes(Integer.parseInt(length));
        body.write(bytes, 0, bytes.length);
      } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        for (int size = Integer.parseInt(line().split(";")[0].trim(), 16);
            size > 0;
            size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
          byte[] bytes = in.readNBytes(size);
          body.write(bytes, 0, bytes.length);
          line(); // the CRLF after the chunk
        }
        for (String trailer = line(); trailer != null && !trailer.isEmpty(); trailer = line()) {
          // trailers are not needed
        }
      } else {
        in.transferTo(body);
      }
      String text = body.toString(StandardCharsets.UTF_8);
      return new Response(status, headers, text, Json.parseOrNull(text));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads responses until one is not informational (a {@code 100 Continue} comes before the real
   * one).
   */
  public Response readFinalResponse() {
    Response response = readResponse();
    while (response.status() >= 100 && response.status() < 200 && response.status() != 101) {
      response = readResponse();
    }
    return response;
  }

  /**
   * Whether the server ended the connection (end of stream or reset) within the socket's read
   * timeout.
   */
  public boolean awaitClosed() {
    try {
      while (in.read() >= 0) {
        // discard whatever still comes
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  public RawHttpConnection readTimeout(java.time.Duration timeout) {
    try {
      socket.setSoTimeout((int) timeout.toMillis());
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closed anyway
    }
  }
}
