package io.opencardkit.server.http;

/**
 * One OpenAPI call as it was answered: what the call log writes and the metrics count. Holds
 * identifiers only, never a body, a token or a secret.
 *
 * @param method HTTP method
 * @param route the route's template ({@code /open-apis/cardkit/v1/cards/:card_id/settings}), or
 *     {@code unmatched} for a path no API serves (so that made-up paths cannot grow the metrics)
 * @param appId the caller's app, once known ({@code null} before authentication)
 * @param cardId the card the call concerns, if any
 * @param messageId the message the call concerns, if any
 * @param sequence the request's {@code sequence}, if it had one
 * @param code the Feishu code answered ({@code 0} for success; {@code -1} when the answer had none)
 * @param httpStatus the HTTP status answered
 * @param durationNanos from the request's first handler to the end of the response
 * @param logId the {@code X-Tt-Logid} the caller saw
 * @param refusal the refusal's message, or {@code null} when the call was accepted
 */
public record ApiCall(
    String method,
    String route,
    String appId,
    String cardId,
    String messageId,
    Integer sequence,
    int code,
    int httpStatus,
    long durationNanos,
    String logId,
    String refusal) {

  /** The route label of a path no API serves. */
  public static final String UNMATCHED = "unmatched";

  /** Whether the call was answered with an error code (a refusal, or a failure of ours). */
  public boolean refused() {
    return code != 0;
  }
}
