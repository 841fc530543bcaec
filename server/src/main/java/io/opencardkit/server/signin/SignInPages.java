package io.opencardkit.server.signin;

import io.vertx.ext.web.RoutingContext;

/**
 * The few pages the server itself renders around a sign-in: why it was refused, and that a browser
 * signed out. Plain HTML without scripts, under the same Content-Security-Policy as the chat page.
 */
final class SignInPages {
  private static final String CSP =
      "default-src 'self'; script-src 'none'; style-src 'unsafe-inline'; img-src data:; object-src 'none'; base-uri 'none'; "
          + "frame-ancestors 'none'; form-action 'self'";

  private SignInPages() {}

  /**
   * Answers with a page.
   *
   * @param testId the {@code data-testid} of the page's main element, which tests and monitoring
   *     look for
   * @param link where the page's one link goes, with {@code linkText}; {@code null} for none
   */
  static void send(
      RoutingContext ctx,
      int status,
      String testId,
      String title,
      String message,
      String link,
      String linkText) {
    String html =
        "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><link rel=\"icon\" href=\"data:,\"><title>"
            + escape(title)
            + " · OpenCardKit</title>"
            + "<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1f2329}"
            + "h1{font-size:1.4rem}a{color:#3370ff}</style></head>\n<body><main data-testid=\""
            + escape(testId)
            + "\">"
            + "<h1>"
            + escape(title)
            + "</h1><p data-testid=\"signin-message\">"
            + escape(message)
            + "</p>"
            + (link == null
                ? ""
                : "<p><a data-testid=\"signin-link\" href=\""
                    + escape(link)
                    + "\">"
                    + escape(linkText)
                    + "</a></p>")
            + "</main></body></html>\n";
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Content-Security-Policy", CSP)
        .putHeader("Cache-Control", "no-store")
        .putHeader("Referrer-Policy", "no-referrer")
        .end(html);
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<':
          out.append("&lt;");
          break;
        case '>':
          out.append("&gt;");
          break;
        case '&':
          out.append("&amp;");
          break;
        case '"':
          out.append("&quot;");
          break;
        case '\'':
          out.append("&#39;");
          break;
        default:
          out.append(c);
      }
    }
    return out.toString();
  }
}
