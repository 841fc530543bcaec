package io.opencardkit.server.http;

/**
 * The names Vert.x (5.0) gives the handlers of an HTTP connection's Netty pipeline, which the node
 * inserts its own handlers beside or replaces. They are not API: an upgrade of Vert.x that renames
 * one makes the request deadlines and the viewer sockets' tests fail, not a silent change.
 */
public final class VertxPipeline {
  /** Vert.x's handler of the connection: HTTP requests, then WebSocket frames. */
  public static final String HANDLER = "handler";

  /** Netty's HTTP request decoder. */
  public static final String HTTP_DECODER = "httpDecoder";

  /** The idle timeout's {@code IdleStateHandler}. */
  public static final String IDLE = "idle";

  private VertxPipeline() {}
}
