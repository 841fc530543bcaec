package io.opencardkit.bus.redis;

import java.util.Optional;

/**
 * What travels on a channel: the sender's node id, a newline, then the message. The receiver needs
 * the sender to drop its own broadcasts (Redis delivers them to every subscriber, the sender
 * included) and to tell the listener who sent a message. Node ids hold no newline, so the first
 * newline ends the id whatever the message contains.
 */
record Envelope(String fromNode, String message) {

  /** The payload to publish for {@code message} from {@code fromNode}. */
  static String encode(String fromNode, String message) {
    return fromNode + '\n' + message;
  }

  /**
   * The envelope in {@code payload}, or empty when it has no sender (it was not published by this
   * bus).
   */
  static Optional<Envelope> decode(String payload) {
    int newline = payload.indexOf('\n');
    if (newline <= 0) {
      return Optional.empty();
    }
    return Optional.of(new Envelope(payload.substring(0, newline), payload.substring(newline + 1)));
  }
}
