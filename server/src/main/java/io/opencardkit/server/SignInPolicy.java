package io.opencardkit.server;

import io.opencardkit.server.ServerConfig.WebAuth;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Decides whether a node may start with its web sign-in: development sign-in ({@code
 * ?user=<open_id>}, anyone as anyone) only while nobody else can reach the node, that is while it
 * listens on loopback only and is no node of a cluster; elsewhere a production sign-in, or the
 * explicit {@code --insecure-dev-login}.
 */
public final class SignInPolicy {
  private static final String ADVICE =
      "choose a production sign-in: --web-auth oidc --oidc-issuer URL --oidc-client-id ID --oidc-client-secret SECRET "
          + "(your identity provider), or --web-auth token (tokens from the seed); or, knowing that anyone who reaches "
          + "this node can then read every chat as anyone, --web-auth development --insecure-dev-login";

  private SignInPolicy() {}

  /**
   * Why the node must not start, or empty when it may.
   *
   * @param clustered whether the node shares its store or bus with other nodes (also when they were
   *     handed in rather than named by URL)
   */
  public static Optional<String> refusal(ServerConfig config, boolean clustered) {
    WebAccess access = config.access();
    if (config.webAuth() == WebAuth.OIDC && access.oidc() == null) {
      return Optional.of(
          "--web-auth oidc needs --oidc-issuer, --oidc-client-id and --oidc-client-secret "
              + "(or OPENCARDKIT_OIDC_ISSUER, OPENCARDKIT_OIDC_CLIENT_ID, OPENCARDKIT_OIDC_CLIENT_SECRET)");
    }
    if (config.webAuth() != WebAuth.OIDC && access.oidc() != null) {
      return Optional.of(
          "an OpenID Connect provider is configured (--oidc-issuer or OPENCARDKIT_OIDC_ISSUER) but the "
              + "web sign-in is "
              + name(config.webAuth())
              + ": add --web-auth oidc");
    }
    if (access.insecureDevLogin() && config.webAuth() != WebAuth.DEVELOPMENT) {
      return Optional.of("--insecure-dev-login goes with --web-auth development only");
    }
    if (config.webAuth() != WebAuth.DEVELOPMENT || access.insecureDevLogin()) {
      return Optional.empty();
    }
    if (!loopbackOnly(config.host())) {
      return Optional.of(
          "refusing development sign-in (?user=<open_id> signs anyone in as anyone) on --host "
              + config.host()
              + ", which is not a loopback address: "
              + ADVICE);
    }
    if (clustered || config.store() != null || config.bus() != null) {
      return Optional.of(
          "refusing development sign-in (?user=<open_id> signs anyone in as anyone) on a node of a "
              + "cluster (--store/--bus): "
              + ADVICE);
    }
    return Optional.empty();
  }

  /** Whether the web chat runs with development sign-in although the node is exposed. */
  public static boolean insecureDevLogin(ServerConfig config) {
    return config.webAuth() == WebAuth.DEVELOPMENT && config.access().insecureDevLogin();
  }

  /**
   * Whether every address {@code host} stands for is a loopback address (an unknown name is not).
   */
  static boolean loopbackOnly(String host) {
    try {
      InetAddress[] addresses = InetAddress.getAllByName(host);
      for (InetAddress address : addresses) {
        if (!address.isLoopbackAddress()) {
          return false;
        }
      }
      return addresses.length > 0;
    } catch (UnknownHostException | SecurityException e) {
      return false;
    }
  }

  private static String name(WebAuth auth) {
    return auth.name().toLowerCase(java.util.Locale.ROOT);
  }
}
