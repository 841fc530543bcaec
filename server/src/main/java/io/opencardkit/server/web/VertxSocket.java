package io.opencardkit.server.web;

import io.vertx.core.http.ServerWebSocket;

/**
 * A Vert.x server WebSocket as a {@link ViewerConnection.Socket}. A closed socket counts as full, so nothing more is
 * written to it; the close handler unregisters the connection.
 */
final class VertxSocket implements ViewerConnection.Socket {
  private final ServerWebSocket ws;

  VertxSocket(ServerWebSocket ws) {
    this.ws = ws;
  }

  @Override
  public boolean writeQueueFull() {
    try {
      return ws.isClosed() || ws.writeQueueFull();
    } catch (IllegalStateException closed) {
      return true;
    }
  }

  @Override
  public void write(String frame) {
    try {
      ws.writeTextMessage(frame);
    } catch (IllegalStateException closed) {
      // closing: the close handler unregisters the connection
    }
  }

  @Override
  public void close(short code, String reason) {
    try {
      ws.close(code, reason);
    } catch (IllegalStateException closed) {
      // already closed
    }
  }
}
