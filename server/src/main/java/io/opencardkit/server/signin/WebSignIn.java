package io.opencardkit.server.signin;

import io.opencardkit.core.Json;
import io.opencardkit.core.store.CardStore;
import io.opencardkit.server.ServerConfig;
import io.opencardkit.server.ServerConfig.WebAuth;
import io.opencardkit.server.SignInPolicy;
import io.opencardkit.server.directory.DirectoryHolder;
import io.opencardkit.server.directory.User;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The web chat's sign-in in production modes ({@code token}, {@code oidc}): the routes under {@code
 * /web/auth}, the session behind each request and WebSocket, sign-out on every node, and the
 * same-origin guard in front of every state-changing request under {@code /web} (in every mode,
 * development included).
 */
public final class WebSignIn {
  /**
   * The outcome of a production sign-in: the user, and the session ({@code null} for a bearer
   * token).
   */
  public record SignedIn(User user, Session session) {}

  private final WebAuth mode;
  private final boolean insecureDevLogin;
  private final DirectoryHolder directory;
  private final SameOrigin sameOrigin;
  private final boolean tls;
  // null in development mode, which has no sessions
  private final SessionKeys keys;
  private final Revocations revocations;
  private final Sessions sessions;
  private final SessionSockets sockets;
  private final TokenSignIn token;
  private final OidcSignIn oidc;

  /**
   * Sets up the sign-in of {@code config}'s mode; establishes the cluster's session key in the
   * store (blocking).
   */
  public WebSignIn(
      Vertx vertx,
      ServerConfig config,
      DirectoryHolder directory,
      CardStore store,
      Executor blocking) {
    this.mode = config.webAuth();
    this.insecureDevLogin = SignInPolicy.insecureDevLogin(config);
    this.directory = directory;
    this.tls = config.tls();
    Set<String> publicUrls = new HashSet<>();
    if (config.access().oidc() != null && config.access().oidc().redirectUri() != null) {
      publicUrls.add(config.access().oidc().redirectUri());
    }
    this.sameOrigin = new SameOrigin(publicUrls);
    if (mode == WebAuth.DEVELOPMENT) {
      keys = null;
      revocations = null;
      sessions = null;
      sockets = null;
      token = null;
      oidc = null;
      return;
    }
    keys = SessionKeys.establish(store, config.clock());
    revocations = new Revocations(store, config.clock(), blocking);
    sessions =
        new Sessions(keys, revocations, config.clock(), config.access().sessionTimeout(), blocking);
    sockets = new SessionSockets(vertx, sessions);
    token = mode == WebAuth.TOKEN ? new TokenSignIn(directory, sessions, tls) : null;
    oidc =
        mode == WebAuth.OIDC
            ? new OidcSignIn(
                vertx,
                config.access().oidc(),
                sessions,
                keys,
                new DirectoryUsers(directory, store),
                tls)
            : null;
  }

  /** {@code development}, {@code token} or {@code oidc}. */
  public String modeName() {
    return mode.name().toLowerCase(java.util.Locale.ROOT);
  }

  public boolean development() {
    return mode == WebAuth.DEVELOPMENT;
  }

  /**
   * Whether development sign-in runs on an exposed node ({@code --insecure-dev-login}): pages warn
   * about it.
   */
  public boolean insecureDevLogin() {
    return insecureDevLogin;
  }

  /** The same-origin guard; mount before every route under {@code /web}. */
  public void mountGuard(Router router) {
    router
        .route("/web/*")
        .handler(
            ctx -> {
              if (stateChanging(ctx) && !sameOrigin.allows(ctx.request())) {
                ctx.response()
                    .setStatusCode(403)
                    .putHeader("Content-Type", "application/json; charset=utf-8")
                    .putHeader("Cache-Control", "no-store")
                    .end(
                        Json.write(
                            Json.object()
                                .put("code", 403)
                                .put(
                                    "msg",
                                    "cross-origin request refused: only this server's own pages may do that")));
                return;
              }
              ctx.next();
            });
  }

  private static boolean stateChanging(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    boolean safe =
        HttpMethod.GET.equals(method)
            || HttpMethod.HEAD.equals(method)
            || HttpMethod.OPTIONS.equals(method);
    // A WebSocket handshake is a GET, but the socket it opens acts for the viewer: guard it as a
    // POST.
    return !safe || "/web/ws".equals(ctx.request().path());
  }

  /** The routes under {@code /web/auth}. */
  public void mount(Router router) {
    if (token != null) {
      token.mount(router);
    }
    if (oidc != null) {
      oidc.mount(router);
    }
    if (sessions != null) {
      router.post("/web/auth/logout").handler(this::signOut);
      router
          .get("/web/auth/signed-out")
          .handler(
              ctx ->
                  SignInPages.send(
                      ctx,
                      200,
                      "signed-out",
                      "已退出登录",
                      "您已退出 OpenCardKit。You have signed out of OpenCardKit.",
                      "/",
                      "重新登录 · Sign in again"));
    }
  }

  /**
   * Who sent a request in a production mode: the bearer token's user (token mode), else the session
   * cookie's. Empty when neither signs anyone in.
   */
  public CompletableFuture<Optional<SignedIn>> identify(RoutingContext ctx) {
    if (token != null) {
      Optional<User> bearer = token.bearer(ctx.request().getHeader("Authorization"));
      if (bearer.isPresent()) {
        return CompletableFuture.completedFuture(Optional.of(new SignedIn(bearer.get(), null)));
      }
    }
    return sessions
        .resolve(SessionCookies.read(ctx, SessionCookies.SESSION), modeName())
        .thenApply(
            found ->
                found.flatMap(
                    session -> {
                      Optional<User> user = directory.get().user(session.openId());
                      if (user.isEmpty()
                          || (mode == WebAuth.TOKEN
                              && !TokenSignIn.stillValid(session, user.get()))) {
                        return Optional.empty();
                      }
                      return Optional.of(new SignedIn(user.get(), session));
                    }));
  }

  /** Closes a WebSocket accepted on {@code session} when the session ends. */
  public void track(SignedInSocket socket, Session session) {
    if (sockets != null && session != null) {
      sockets.track(socket, session);
    }
  }

  private void signOut(RoutingContext ctx) {
    io.vertx.core.Context context = ctx.vertx().getOrCreateContext();
    sessions
        .resolve(SessionCookies.read(ctx, SessionCookies.SESSION), modeName())
        .thenCompose(
            found ->
                found
                    .map(
                        session ->
                            sessions
                                .revoke(session)
                                .thenApply(
                                    v -> {
                                      sockets.ended(session.id());
                                      return true;
                                    }))
                    .orElse(CompletableFuture.completedFuture(false)))
        .whenComplete(
            (revoked, failure) ->
                context.runOnContext(
                    v -> {
                      if (failure != null) {
                        ctx.response()
                            .setStatusCode(503)
                            .putHeader("Content-Type", "application/json; charset=utf-8")
                            .end(
                                Json.write(
                                    Json.object()
                                        .put("code", 503)
                                        .put(
                                            "msg", "the sign-out could not be stored; try again")));
                        return;
                      }
                      SessionCookies.clear(ctx, SessionCookies.SESSION, "/", tls);
                      ctx.response()
                          .putHeader("Content-Type", "application/json; charset=utf-8")
                          .putHeader("Cache-Control", "no-store")
                          .end(
                              Json.write(
                                  Json.object()
                                      .put("signed_out", true)
                                      .put("next", "/web/auth/signed-out")));
                    }));
  }

  /** A key/value entry another node stored: the session key, or a sign-out. */
  public void metaChangedElsewhere(String key, String value) {
    if (keys == null) {
      return;
    }
    if (SessionKeys.META_KEY.equals(key)) {
      keys.changedElsewhere(value);
    } else if (key.startsWith(Revocations.META_PREFIX)) {
      String sessionId = key.substring(Revocations.META_PREFIX.length());
      revocations.revokedElsewhere(sessionId, value);
      sockets.ended(sessionId);
    }
  }

  public void close() {
    if (sockets != null) {
      sockets.close();
    }
  }
}
