package io.opencardkit.server.bots;

/**
 * A delivery that got no answer from the bot; {@link Reason} says why, in the terms of Feishu's
 * client codes.
 */
public final class DeliveryFailure extends RuntimeException {
  /** Why nothing was delivered. */
  public enum Reason {
    /**
     * No callback or event address and no long connection; or the address failed url_verification
     * (200340).
     */
    NO_ENDPOINT(200340),
    /** No answer within the deadline (200341). */
    TIMEOUT(200341),
    /** The connection could not be made or broke (200342). */
    UNREACHABLE(200342);

    private final int clientCode;

    Reason(int clientCode) {
      this.clientCode = clientCode;
    }

    /** The error code Feishu's client shows for this failure of a card callback. */
    public int clientCode() {
      return clientCode;
    }
  }

  private final Reason reason;

  public DeliveryFailure(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  /**
   * The delivery failure behind a future's failure, or an {@link Reason#UNREACHABLE} one for
   * anything else.
   */
  public static DeliveryFailure of(Throwable failure) {
    Throwable t = failure;
    while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof DeliveryFailure) {
      return (DeliveryFailure) t;
    }
    return new DeliveryFailure(
        Reason.UNREACHABLE, String.valueOf(t.getMessage() == null ? t : t.getMessage()));
  }
}
