package io.opencardkit.server.signin;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * The cookies of the web sign-in: always {@code HttpOnly} (no script reads them), {@code
 * SameSite=Lax} (another site's requests do not carry them, its links do), and {@code Secure} when
 * the browser reached the server over TLS (on the node, or on the proxy in front of it, which says
 * so in {@code X-Forwarded-Proto}).
 */
public final class SessionCookies {
  /** The session of a signed-in browser. */
  public static final String SESSION = "okc_session";

  /**
   * A sign-in with the identity provider in flight (state, PKCE verifier, nonce); lives a few
   * minutes.
   */
  static final String SIGN_IN = "okc_signin";

  private SessionCookies() {}

  /** The value of a cookie of the request, or {@code null}. */
  public static String read(RoutingContext ctx, String name) {
    Cookie cookie = ctx.request().getCookie(name);
    return cookie == null ? null : cookie.getValue();
  }

  static void set(
      RoutingContext ctx, String name, String value, String path, Duration maxAge, boolean tls) {
    ctx.response()
        .addCookie(
            Cookie.cookie(name, value)
                .setPath(path)
                .setMaxAge(maxAge.toSeconds())
                .setHttpOnly(true)
                .setSecure(secure(ctx, tls))
                .setSameSite(CookieSameSite.LAX));
  }

  static void clear(RoutingContext ctx, String name, String path, boolean tls) {
    set(ctx, name, "", path, Duration.ZERO, tls);
  }

  /** Whether the browser reached this server over TLS. */
  static boolean secure(RoutingContext ctx, boolean tls) {
    return tls
        || ctx.request().isSSL()
        || "https".equalsIgnoreCase(ctx.request().getHeader("X-Forwarded-Proto"));
  }
}
