package io.opencardkit.server.directory;

/** A seed file that cannot be used; the message names the file, line and field. */
public final class SeedException extends RuntimeException {
  public SeedException(String message) {
    super(message, null, false, false);
  }
}
