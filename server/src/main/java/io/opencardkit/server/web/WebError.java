package io.opencardkit.server.web;

/**
 * An expected refusal of the web API, answered as {@code {"code":…,"msg":…}} with an HTTP status.
 * No stack trace: it is an outcome, not a bug.
 */
final class WebError extends RuntimeException {
  /** The protocol's code for forwarding a card while it streams (docs/web-protocol.md). */
  static final int STREAMING_NOT_FORWARDABLE = 300320;

  private final int status;
  private final int code;

  WebError(int status, int code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  /** An error whose code is its HTTP status. */
  static WebError of(int status, String message) {
    return new WebError(status, status, message);
  }

  int status() {
    return status;
  }

  int code() {
    return code;
  }
}
