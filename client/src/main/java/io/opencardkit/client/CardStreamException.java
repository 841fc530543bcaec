package io.opencardkit.client;

/**
 * A stream stopped: a call was refused for good, or transient failures outlasted the retry budget.
 * It names the operation, card, sequence, answer code and log id, the facts needed to find the call
 * in the server's log.
 */
public final class CardStreamException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String operation;
  private final String cardId;
  private final int sequence;
  private final int code;
  private final int httpStatus;
  private final String logId;

  CardStreamException(
      String message,
      String operation,
      String cardId,
      int sequence,
      int code,
      int httpStatus,
      String logId,
      Throwable cause) {
    super(message, cause);
    this.operation = operation;
    this.cardId = cardId;
    this.sequence = sequence;
    this.code = code;
    this.httpStatus = httpStatus;
    this.logId = logId;
  }

  /**
   * The call that failed: {@code create}, {@code send}, {@code content}, {@code settings}, {@code
   * batch_update}…
   */
  public String operation() {
    return operation;
  }

  /** The card the call was about, or {@code null} before the card existed. */
  public String cardId() {
    return cardId;
  }

  /** The call's {@code sequence}, or 0 for calls without one. */
  public int sequence() {
    return sequence;
  }

  /** The answer's {@code code}, or -1 when no answer came (network error, unreadable body). */
  public int code() {
    return code;
  }

  /** The answer's HTTP status, or 0 when no answer came. */
  public int httpStatus() {
    return httpStatus;
  }

  /** The server's log id ({@code X-Tt-Logid}) of the last attempt, or {@code null}. */
  public String logId() {
    return logId;
  }
}
