package io.opencardkit.server.web;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The page and its files: {@code /} is {@code web/index.html} from the classpath, {@code /web/*}
 * the rest of that folder, {@code /webjars/*} the libraries packaged as WebJars. The page and its
 * files carry a strict Content-Security-Policy (no inline scripts, no foreign origins at all: an
 * image from another site is shown only after the viewer clicks it, in a frame of its own, see
 * {@link ImageFrame}).
 */
final class StaticPages {
  static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
          + "connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

  private StaticPages() {}

  /**
   * The CSP header on {@code /} and everything under {@code /web/}; mount before the routes that
   * answer there.
   */
  static void mountHeaders(Router router) {
    router
        .route("/")
        .handler(
            ctx -> {
              ctx.response().putHeader("Content-Security-Policy", CSP);
              ctx.next();
            });
    router
        .route("/web/*")
        .handler(
            ctx -> {
              ctx.response().putHeader("Content-Security-Policy", CSP);
              ctx.next();
            });
  }

  /** The static files; mount after the API routes under {@code /web/}. */
  static void mountFiles(Router router) {
    // Max age 0: browsers revalidate (Last-Modified), so an upgraded server never runs with
    // yesterday's modules.
    ImageFrame.mount(router);
    router
        .get("/")
        .handler(StaticHandler.create("web").setIndexPage("index.html").setMaxAgeSeconds(0));
    router.get("/web/*").handler(StaticHandler.create("web").setMaxAgeSeconds(0));
    router.get("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars"));
  }
}
