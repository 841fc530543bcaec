package io.opencardkit.server.signin;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Refuses requests another site's page makes a browser send (cross-site request forgery, and
 * cross-site WebSocket hijacking of a signed-in viewer's socket). A browser names the page's origin
 * in {@code Origin} on every POST and every WebSocket handshake; a request without it comes from a
 * program, not from another site's page.
 */
public final class SameOrigin {
  private record Authority(String host, int port) {}

  private final Set<Authority> alsoAllowed; // configured public addresses of the server

  /**
   * @param publicUrls addresses the server is also reached at (e.g. the OpenID Connect redirect
   *     address), or none
   */
  public SameOrigin(Set<String> publicUrls) {
    this.alsoAllowed =
        publicUrls.stream()
            .map(SameOrigin::authorityOf)
            .filter(Objects::nonNull)
            .collect(Collectors.toSet());
  }

  /**
   * Whether the request may go on: it comes from this server's own pages, or from no browser page
   * at all.
   */
  public boolean allows(HttpServerRequest request) {
    if ("cross-site".equalsIgnoreCase(request.getHeader("Sec-Fetch-Site"))) {
      return false;
    }
    String origin = request.getHeader("Origin");
    if (origin == null) {
      return true;
    }
    Authority from = authorityOf(origin);
    if (from == null) {
      return false; // "null" (a sandboxed or file page) or garbage
    }
    HostAndPort host = request.authority(); // the Host header, or HTTP/2's :authority
    if (host != null) {
      int port = host.port() >= 0 ? host.port() : defaultPort(origin);
      if (from.equals(new Authority(bare(host.host()), port))) {
        return true;
      }
    }
    return alsoAllowed.contains(from);
  }

  private static Authority authorityOf(String url) {
    try {
      URI uri = URI.create(url.trim());
      if (uri.getHost() == null || uri.getScheme() == null) {
        return null;
      }
      return new Authority(
          bare(uri.getHost()), uri.getPort() >= 0 ? uri.getPort() : defaultPort(url));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static int defaultPort(String url) {
    return url.regionMatches(true, 0, "https:", 0, 6) ? 443 : 80;
  }

  /** Lower case, without the brackets of an IPv6 address. */
  private static String bare(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
  }
}
