package io.opencardkit.server.web;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one place the web chat shows an image from another site: {@code GET
 * /web/image-frame?url=<http(s) URL>} answers a small page without scripts that shows that image,
 * under a Content-Security-Policy allowing exactly that image and nothing else. The chat page
 * frames it (sandboxed, without referrer) only after the viewer clicked the image's placeholder, so
 * no site learns who reads a card unless the reader chose to load its image.
 *
 * <p>Implementation notes: the chat page's own policy ({@code img-src 'self' data:}) cannot be
 * widened by the page for one image, so the image gets a document of its own. Its URL becomes a
 * source expression of that document's policy ({@code scheme://host[:port]/path}; CSP compares the
 * path exactly and ignores the query), so anything that could end or widen the expression is
 * refused with 400: whitespace, {@code ;}, {@code ,}, quotes, {@code *}, user info, and IPv6
 * literals (a CSP host cannot name one). The server never fetches the image itself.
 */
final class ImageFrame {
  static final String PATH = "/web/image-frame";
  private static final int MAX_URL_LENGTH = 2048;
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})");
  // RFC 3986 path characters without those that mean something in a policy (';', ',', quotes) or
  // widen it ('*')
  private static final Pattern PATH_CHARS = Pattern.compile("[A-Za-z0-9\\-._~%!$&()+=:@/]*");
  private static final Pattern QUERY_CHARS = Pattern.compile("[A-Za-z0-9\\-._~%!$&()+=:@/?;,*']*");

  private ImageFrame() {}

  static void mount(Router router) {
    router.get(PATH).handler(ImageFrame::handle);
  }

  private static void handle(RoutingContext ctx) {
    Optional<String> source;
    String url;
    try {
      url = ctx.request().getParam("url");
      source = sourceExpression(url);
    } catch (IllegalArgumentException e) { // a malformed escape in the query
      url = null;
      source = Optional.empty();
    }
    if (source.isEmpty()) {
      ctx.response()
          .setStatusCode(400)
          .putHeader("Content-Type", "text/plain; charset=utf-8")
          .putHeader("Cache-Control", "no-store")
          .end("url must be an http or https address of an image");
      return;
    }
    ctx.response()
        .putHeader(
            "Content-Security-Policy",
            "default-src 'none'; img-src "
                + source.get()
                + "; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Cache-Control", "no-store")
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .end(
            "<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"referrer\" content=\"no-referrer\">"
                + "<style>html,body{margin:0;height:100%}body{display:flex;align-items:center;justify-content:center}"
                + "img{max-width:100%;max-height:100%}</style></head><body><img src=\""
                + escapeAttribute(url)
                + "\" alt=\"\" referrerpolicy=\"no-referrer\"></body></html>");
  }

  /**
   * The policy source expression allowing exactly the image at {@code url}, or empty when it cannot
   * be one.
   */
  static Optional<String> sourceExpression(String url) {
    if (url == null || url.isEmpty() || url.length() > MAX_URL_LENGTH) {
      return Optional.empty();
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host =
        uri.getRawAuthority() == null || uri.getRawUserInfo() != null ? null : uri.getHost();
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
    boolean usable =
        (scheme.equals("http") || scheme.equals("https"))
            && host != null
            && HOST.matcher(host).matches()
            && PATH_CHARS.matcher(path).matches()
            && QUERY_CHARS.matcher(query).matches()
            && uri.getRawFragment() == null;
    if (!usable) {
      return Optional.empty();
    }
    return Optional.of(
        scheme
            + "://"
            + host.toLowerCase(Locale.ROOT)
            + (uri.getPort() >= 0 ? ":" + uri.getPort() : "")
            + path);
  }

  private static String escapeAttribute(String s) {
    return s.replace("&", "&amp;")
        .replace("\"", "&quot;")
        .replace("<", "&lt;")
        .replace(">", "&gt;");
  }
}
