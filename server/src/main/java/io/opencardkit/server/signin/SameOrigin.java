package io.opencardkit.server.signin;

import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses requests another site's page makes a browser send (cross-site request forgery, and cross-site WebSocket
 * hijacking of a signed-in viewer's socket). A browser names the page's origin in {@code Origin} on every POST and
 * every WebSocket handshake; a request without it comes from a program, not from another site's page.
 */
public final class SameOrigin {
  private final Set<String> alsoAllowed; // authorities (host[:port]) of configured public addresses

  /** @param publicUrls addresses the server is also reached at (e.g. the OpenID Connect redirect address), or none */
  public SameOrigin(Set<String> publicUrls) {
    this.alsoAllowed = publicUrls.stream().map(SameOrigin::authorityOf).filter(a -> a != null).collect(java.util.stream.Collectors.toSet());
  }

  /** Whether the request may go on: it comes from this server's own pages, or from no browser page at all. */
  public boolean allows(HttpServerRequest request) {
    if ("cross-site".equalsIgnoreCase(request.getHeader("Sec-Fetch-Site"))) {
      return false;
    }
    String origin = request.getHeader("Origin");
    if (origin == null) {
      return true;
    }
    String authority = authorityOf(origin);
    if (authority == null) {
      return false; // "null" (a sandboxed or file page) or garbage
    }
    String host = request.getHeader("Host");
    return authority.equals(normalize(host, schemeOf(origin))) || alsoAllowed.contains(authority);
  }

  private static String authorityOf(String url) {
    try {
      URI uri = URI.create(url.trim());
      if (uri.getHost() == null || uri.getScheme() == null) {
        return null;
      }
      String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
      return normalize(uri.getRawAuthority(), scheme);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String schemeOf(String origin) {
    return origin.regionMatches(true, 0, "https:", 0, 6) ? "https" : "http";
  }

  /** {@code host[:port]} in lower case, without the scheme's default port. */
  private static String normalize(String authority, String scheme) {
    if (authority == null) {
      return null;
    }
    String a = authority.trim().toLowerCase(Locale.ROOT);
    String defaultPort = "https".equals(scheme) ? ":443" : ":80";
    return a.endsWith(defaultPort) ? a.substring(0, a.length() - defaultPort.length()) : a;
  }
}
