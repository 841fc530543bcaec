package io.opencardkit.server;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How the web chat lets people in, beyond the sign-in mode ({@link ServerConfig.WebAuth}): the
 * override that keeps development sign-in on an exposed node, the OpenID Connect provider, how long
 * a session lasts, and how many messages a person may send per second and chat.
 *
 * @param insecureDevLogin development sign-in accepted although the node is exposed ({@code
 *     --insecure-dev-login})
 * @param oidc the identity provider of {@code --web-auth oidc}, or {@code null}
 * @param sessionTimeout how long a session cookie signs its browser in (from sign-in, not from the
 *     last use)
 * @param messagesPerSecond messages a person may post per second and chat from the web chat (a
 *     burst of as many is allowed); 0 for no limit
 */
public record WebAccess(
    boolean insecureDevLogin, Oidc oidc, Duration sessionTimeout, int messagesPerSecond) {
  /** Feishu's limit for one user in one chat. */
  public static final int FEISHU_MESSAGES_PER_SECOND = 5;

  public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofHours(12);

  public WebAccess {
    Objects.requireNonNull(sessionTimeout, "sessionTimeout");
    if (sessionTimeout.isNegative() || sessionTimeout.isZero()) {
      throw new IllegalArgumentException(
          "--web-session-timeout must be positive: " + sessionTimeout);
    }
    if (messagesPerSecond < 0) {
      throw new IllegalArgumentException(
          "--web-message-rate must be 0 (no limit) or more: " + messagesPerSecond);
    }
  }

  /** No override, no identity provider, 12-hour sessions, Feishu's 5 messages per second. */
  public static WebAccess defaults() {
    return new WebAccess(false, null, DEFAULT_SESSION_TIMEOUT, FEISHU_MESSAGES_PER_SECOND);
  }

  public WebAccess withInsecureDevLogin(boolean value) {
    return new WebAccess(value, oidc, sessionTimeout, messagesPerSecond);
  }

  public WebAccess withOidc(Oidc value) {
    return new WebAccess(insecureDevLogin, value, sessionTimeout, messagesPerSecond);
  }

  public WebAccess withSessionTimeout(Duration value) {
    return new WebAccess(insecureDevLogin, oidc, value, messagesPerSecond);
  }

  public WebAccess withMessagesPerSecond(int value) {
    return new WebAccess(insecureDevLogin, oidc, sessionTimeout, value);
  }

  /**
   * An OpenID Connect provider and this server's registration with it.
   *
   * @param issuer the issuer URL; its {@code /.well-known/openid-configuration} names everything
   *     else
   * @param clientId the client id registered for OpenCardKit
   * @param clientSecret its secret (never printed: see {@link #toString()})
   * @param userClaim the ID token claim that names the directory user: matched against each user's
   *     {@code email} (ignoring case), else against the {@code open_id}
   * @param autoProvision whether a person the directory does not know becomes a new user instead of
   *     being refused
   * @param redirectUri the callback address registered with the provider, or {@code null} to derive
   *     it from each request ({@code <scheme>://<Host>/web/auth/callback})
   */
  public record Oidc(
      String issuer,
      String clientId,
      String clientSecret,
      String userClaim,
      boolean autoProvision,
      String redirectUri) {
    public static final String DEFAULT_USER_CLAIM = "email";

    public Oidc {
      issuer = required(issuer, "--oidc-issuer (or OPENCARDKIT_OIDC_ISSUER)");
      clientId = required(clientId, "--oidc-client-id (or OPENCARDKIT_OIDC_CLIENT_ID)");
      clientSecret =
          required(clientSecret, "--oidc-client-secret (or OPENCARDKIT_OIDC_CLIENT_SECRET)");
      userClaim = userClaim == null || userClaim.isBlank() ? DEFAULT_USER_CLAIM : userClaim.trim();
      redirectUri = redirectUri == null || redirectUri.isBlank() ? null : redirectUri.trim();
      // The issuer is compared with the discovery document's "issuer" without a trailing slash (as
      // vertx-auth does).
      issuer = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
      requireHttpUrl(issuer, "--oidc-issuer");
      if (redirectUri != null) {
        requireHttpUrl(redirectUri, "--oidc-redirect-uri");
      }
    }

    private static String required(String value, String flag) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException("--web-auth oidc needs " + flag);
      }
      return value.trim();
    }

    private static void requireHttpUrl(String value, String flag) {
      URI uri;
      try {
        uri = URI.create(value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(flag + " must be an http(s) URL: " + value);
      }
      if (uri.getHost() == null
          || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
        throw new IllegalArgumentException(flag + " must be an http(s) URL: " + value);
      }
    }

    @Override
    public String toString() {
      return "Oidc[issuer="
          + issuer
          + ", clientId="
          + clientId
          + ", clientSecret=***, userClaim="
          + userClaim
          + ", autoProvision="
          + autoProvision
          + ", redirectUri="
          + redirectUri
          + "]";
    }
  }
}
