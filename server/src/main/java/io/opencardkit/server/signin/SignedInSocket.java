package io.opencardkit.server.signin;

/** A WebSocket opened on a session, closed by the sign-in when the session ends. */
public interface SignedInSocket {
  /** Whether the socket is closed or closing. */
  boolean isClosed();

  /** Starts the close handshake with this code (callable from any thread). */
  void close(short code, String reason);
}
