package io.opencardkit.server.signin;

import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The WebSockets this node accepted on a session, so that they close when the session ends: at its
 * expiry (checked every few seconds) and at once when it is signed out. A page whose socket closes
 * reconnects, and is refused.
 */
final class SessionSockets {
  static final short SESSION_ENDED = 4401;
  private static final long CHECK_MILLIS = 5_000;

  private final Vertx vertx;
  private final Sessions sessions;
  private final Map<SignedInSocket, Session> open = new ConcurrentHashMap<>();
  private final long timer;

  SessionSockets(Vertx vertx, Sessions sessions) {
    this.vertx = vertx;
    this.sessions = sessions;
    this.timer = vertx.setPeriodic(CHECK_MILLIS, id -> sweep());
  }

  void track(SignedInSocket socket, Session session) {
    open.put(socket, session);
  }

  /** Closes the sockets of a session that was signed out (here or on another node). */
  void ended(String sessionId) {
    open.forEach(
        (socket, session) -> {
          if (session.id().equals(sessionId)) {
            close(socket, "signed out");
          }
        });
  }

  private void sweep() {
    long now = sessions.nowMillis();
    open.forEach(
        (socket, session) -> {
          if (socket.isClosed()) {
            open.remove(socket);
          } else if (session.expired(now)) {
            close(socket, "session expired");
          }
        });
  }

  private void close(SignedInSocket socket, String reason) {
    open.remove(socket);
    if (!socket.isClosed()) {
      socket.close(SESSION_ENDED, reason);
    }
  }

  void close() {
    vertx.cancelTimer(timer);
  }
}
