package io.opencardkit.bus.redis;

/** Why the bus dropped a message; {@link RedisBusStats#dropped()} counts each. */
public enum DropReason {
  /** Sent while the bus was disconnected, or still queued when the connection was lost. */
  DISCONNECTED,
  /** Sent while the send queue held its maximum of messages (Redis is not keeping up). */
  SEND_QUEUE_FULL,
  /** Sent after {@code close()}. */
  CLOSED,
  /**
   * The connection failed after the message was written and before Redis confirmed it: it may or
   * may not have been delivered. Never resent, which would risk a duplicate.
   */
  UNCONFIRMED,
  /** Redis answered the PUBLISH with an error (for example an ACL that denies the channel). */
  REFUSED,
  /** A directed message that no node was listening for (Redis counted no receiver). */
  NO_SUCH_NODE,
  /** Received before {@code listen()}. */
  NO_LISTENER,
  /**
   * Received while the listener's queue was full; the listener then hears {@code reconnected()}.
   */
  LISTENER_BEHIND,
  /** Received without the envelope's sender: not published by an OpenCardKit bus. */
  MALFORMED
}
