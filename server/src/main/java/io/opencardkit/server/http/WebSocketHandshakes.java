package io.opencardkit.server.http;

import io.vertx.core.http.HttpServerRequest;

/**
 * What a WebSocket upgrade request must carry before it is handed to Vert.x: Vert.x answers a
 * malformed one with its own empty 400 (or fails it), where a client should get a Feishu envelope
 * saying what is missing.
 */
public final class WebSocketHandshakes {
  private WebSocketHandshakes() {}

  /**
   * What is wrong with an upgrade request (RFC 6455, 4.2.1), or {@code null} when Vert.x can
   * upgrade it.
   */
  public static String problem(HttpServerRequest request) {
    String upgrade = request.getHeader("Upgrade");
    if (upgrade == null || !upgrade.trim().equalsIgnoreCase("websocket")) {
      return "a WebSocket handshake needs Upgrade: websocket";
    }
    String connection = request.getHeader("Connection");
    if (connection == null || !connection.toLowerCase(java.util.Locale.ROOT).contains("upgrade")) {
      return "a WebSocket handshake needs Connection: Upgrade";
    }
    String key = request.getHeader("Sec-WebSocket-Key");
    if (key == null || key.isBlank()) {
      return "a WebSocket handshake needs a Sec-WebSocket-Key";
    }
    if (!"13".equals(request.getHeader("Sec-WebSocket-Version"))) {
      return "a WebSocket handshake needs Sec-WebSocket-Version: 13";
    }
    return null;
  }
}
