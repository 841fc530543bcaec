package io.opencardkit.client;

import java.util.Set;

/**
 * What one attempt of a call got: an answer (HTTP status, code, msg, log id, and the one value a
 * stream needs from it) or the exception the SDK threw when no readable answer came.
 */
record Reply(
    int httpStatus,
    int code,
    String msg,
    String logId,
    String value,
    Exception error,
    long retryAfterMillis) {
  /** Codes that say "try again later"; the request was not applied. */
  private static final Set<Integer> TRY_LATER =
      Set.of(
          99991400, // gateway rate limit (HTTP 429)
          230020, // IM frequency limit
          200810, // the card is in an ongoing user interaction
          2200, // internal error clients retry (hermes-lark-streaming)
          1663);

  /** Internal errors after which the request may or may not have been applied. */
  private static final Set<Integer> INTERNAL = Set.of(300000, 300120);

  static Reply of(
      int httpStatus, int code, String msg, String logId, String value, long retryAfterMillis) {
    return new Reply(httpStatus, code, msg, logId, value, null, retryAfterMillis);
  }

  static Reply failed(Exception error) {
    return new Reply(0, -1, String.valueOf(error), null, null, error, 0);
  }

  boolean ok() {
    return error == null && code == 0;
  }

  /**
   * Whether the request may have been applied although no success was seen: no answer at all (a
   * timeout may hide an applied request whose answer was lost), an HTTP 5xx, or an internal error
   * code.
   */
  boolean outcomeUnknown() {
    return error != null || httpStatus >= 500 || INTERNAL.contains(code);
  }

  /** Whether repeating the identical request later may succeed. */
  boolean transientFailure() {
    return outcomeUnknown() || httpStatus == 429 || TRY_LATER.contains(code);
  }

  @Override
  public String toString() {
    if (error != null) {
      return "no answer (" + error + ")";
    }
    return "http=" + httpStatus + " code=" + code + " msg=\"" + msg + "\" log_id=" + logId;
  }
}
