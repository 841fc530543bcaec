package io.opencardkit.server.browser;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.function.Consumer;

/**
 * A small HTTP server for browser tests: the page's static files (classpath {@code web/}) at {@code
 * /} and {@code /web/*}, the WebJars at {@code /webjars/*}, the test harness (classpath {@code
 * harness/}) at {@code /harness/*}, optional extra routes (a fake {@code /web/api}) and an optional
 * WebSocket handler.
 */
final class WebTestServer implements AutoCloseable {
  /** The policy the page must work under: scripts and styles only from the page's origin. */
  static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
          + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

  private final Vertx vertx;
  private final HttpServer http;

  private WebTestServer(boolean csp, Consumer<Router> routes, Handler<ServerWebSocket> sockets) {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router
        .route()
        .handler(
            ctx -> {
              if (csp) {
                ctx.response().putHeader("Content-Security-Policy", CSP);
              }
              ctx.response().putHeader("Cache-Control", "no-store");
              ctx.next();
            });
    routes.accept(router);
    router.get("/").handler(ctx -> ctx.reroute("/web/index.html"));
    router.route("/web/*").handler(StaticHandler.create("web").setCachingEnabled(false));
    router
        .route("/webjars/*")
        .handler(StaticHandler.create("META-INF/resources/webjars").setCachingEnabled(false));
    router.route("/harness/*").handler(StaticHandler.create("harness").setCachingEnabled(false));
    var server = vertx.createHttpServer().requestHandler(router);
    if (sockets != null) {
      server.webSocketHandler(sockets);
    }
    http = server.listen(0, "127.0.0.1").await();
  }

  /** Static files and the harness, under the page's Content-Security-Policy. */
  static WebTestServer start() {
    return new WebTestServer(true, router -> {}, null);
  }

  /**
   * Static files and the harness; {@code csp} false serves them without the policy (to test the
   * page's own defences).
   */
  static WebTestServer start(boolean csp) {
    return new WebTestServer(csp, router -> {}, null);
  }

  /** Static files plus extra routes and a WebSocket handler, under the page's policy. */
  static WebTestServer start(Consumer<Router> routes, Handler<ServerWebSocket> sockets) {
    return new WebTestServer(true, routes, sockets);
  }

  Vertx vertx() {
    return vertx;
  }

  String baseUrl() {
    return "http://127.0.0.1:" + http.actualPort();
  }

  @Override
  public void close() {
    http.close().await();
    vertx.close().await();
  }
}
