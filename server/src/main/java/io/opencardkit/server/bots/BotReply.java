package io.opencardkit.server.bots;

/**
 * What a bot answered to one delivery.
 *
 * @param status the HTTP status, or for the long connection the {@code code} of the reply frame
 *     (the SDKs send 200, or 500 when the handler threw)
 * @param body the response body (for the long connection, the decoded {@code data}), empty when
 *     there was none
 */
public record BotReply(int status, String body) {
  public boolean ok() {
    return status == 200;
  }
}
