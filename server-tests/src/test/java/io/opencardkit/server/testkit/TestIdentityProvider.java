package io.opencardkit.server.testkit;

import io.opencardkit.server.ServerConfig;
import io.opencardkit.server.WebAccess;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;

/**
 * A real OpenID Connect provider in this JVM (NAV's mock-oauth2-server: discovery, JWKS,
 * authorization code with PKCE, signed ID tokens) on a free loopback port. Either it signs in
 * whoever {@link #nextSignIn} named without asking, or, {@linkplain #interactive() interactive}, it
 * shows a login page where the person types a subject and claims.
 */
public final class TestIdentityProvider implements AutoCloseable {
  public static final String CLIENT_ID = "opencardkit";
  public static final String CLIENT_SECRET = "client-secret-for-tests";
  private static final String ISSUER_ID = "team";

  private final MockOAuth2Server server;

  private TestIdentityProvider(MockOAuth2Server server) {
    this.server = server;
    try {
      server.start(InetAddress.getByName("127.0.0.1"), 0);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Signs in without a page: the person of {@link #nextSignIn}, else a random subject without
   * claims.
   */
  public static TestIdentityProvider start() {
    return new TestIdentityProvider(new MockOAuth2Server());
  }

  /**
   * Shows a login page (a subject field, a claims JSON field, a Sign-in button) at every
   * authorization.
   */
  public static TestIdentityProvider interactive() {
    return new TestIdentityProvider(
        new MockOAuth2Server(OAuth2Config.Companion.fromJson("{\"interactiveLogin\":true}")));
  }

  public String issuer() {
    // By address: the provider names itself after the Host it is asked by, and the machine's name
    // may not resolve.
    return server.issuerUrl(ISSUER_ID).newBuilder().host("127.0.0.1").build().toString();
  }

  /** The next sign-in (non-interactive) is {@code subject} with {@code claims} in its ID token. */
  public void nextSignIn(String subject, Map<String, Object> claims) {
    server.enqueueCallback(
        new DefaultOAuth2TokenCallback(
            ISSUER_ID, subject, "JWT", List.of(CLIENT_ID), claims, 3600));
  }

  /** {@code config} signing in with this provider ({@code --web-auth oidc}). */
  public ServerConfig configure(ServerConfig config, boolean autoProvision) {
    WebAccess.Oidc oidc =
        new WebAccess.Oidc(issuer(), CLIENT_ID, CLIENT_SECRET, null, autoProvision, null);
    return config.withWebAuth(ServerConfig.WebAuth.OIDC).withAccess(config.access().withOidc(oidc));
  }

  /**
   * The oldest request the provider received and this method did not return yet (waits up to 5 s
   * for one).
   */
  public okhttp3.mockwebserver.RecordedRequest takeRequest() {
    return server.takeRequest(5, java.util.concurrent.TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    server.shutdown();
  }
}
