package io.opencardkit.server.signin;

/**
 * A browser's signed-in session, as its cookie carries it.
 *
 * @param id random id, what a sign-out revokes
 * @param openId the directory user
 * @param mode the sign-in mode that issued it ({@code token} or {@code oidc}); a cookie of another
 *     mode is refused
 * @param issuedAt epoch milliseconds
 * @param expiresAt epoch milliseconds; the session ends then, whatever happens meanwhile
 * @param proof in token mode a digest of the user's token when the session began, so that changing
 *     the token in the seed ends the sessions it opened; empty otherwise
 */
public record Session(
    String id, String openId, String mode, long issuedAt, long expiresAt, String proof) {
  public boolean expired(long nowMillis) {
    return nowMillis >= expiresAt;
  }

  @Override
  public String toString() {
    return "Session[openId="
        + openId
        + ", mode="
        + mode
        + ", issuedAt="
        + issuedAt
        + ", expiresAt="
        + expiresAt
        + "]";
  }
}
