package io.opencardkit.server.signin;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.core.Json;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.directory.User;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Sign-in with the static per-user tokens of the seed ({@code --web-auth token}), for tests and
 * small set-ups. The page posts the token once to {@code /web/auth/token} and gets a session
 * cookie; programs may instead send {@code Authorization: Bearer <token>} with every call. A token
 * never travels in a URL.
 */
final class TokenSignIn {
  static final String MODE = "token";

  private final Supplier<Directory> directory;
  private final Sessions sessions;
  private final boolean tls;

  TokenSignIn(Supplier<Directory> directory, Sessions sessions, boolean tls) {
    this.directory = directory;
    this.sessions = sessions;
    this.tls = tls;
  }

  void mount(Router router) {
    router
        .post("/web/auth/token")
        .handler(BodyHandler.create().setBodyLimit(4096).setHandleFileUploads(false));
    router.post("/web/auth/token").handler(this::signIn);
  }

  private void signIn(RoutingContext ctx) {
    JsonNode body =
        ctx.body() == null || ctx.body().buffer() == null
            ? null
            : Json.parseOrNull(ctx.body().asString());
    String openId = body == null ? null : body.path("user").asText(null);
    String token = body == null ? null : body.path("token").asText(null);
    Optional<User> user =
        openId == null
            ? Optional.empty()
            : directory.get().user(openId).filter(u -> matches(u, token));
    if (user.isEmpty()) {
      json(ctx, 401, Json.object().put("code", 401).put("msg", "unknown user or wrong token"));
      return;
    }
    Session session = sessions.open(user.get().openId(), MODE, proof(user.get().token()));
    SessionCookies.set(
        ctx, SessionCookies.SESSION, sessions.cookieValue(session), "/", sessions.timeout(), tls);
    json(
        ctx,
        200,
        Json.object()
            .set(
                "user",
                Json.object().put("open_id", user.get().openId()).put("name", user.get().name())));
  }

  /** The user whose token a program sent as {@code Authorization: Bearer <token>}. */
  Optional<User> bearer(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    String token = authorization.substring(7).trim();
    User found = null;
    for (User user : directory.get().users()) {
      if (matches(user, token)) {
        if (found != null) {
          return Optional.empty(); // two users share the token: it names nobody
        }
        found = user;
      }
    }
    return Optional.ofNullable(found);
  }

  /**
   * Whether a session opened with a token is still good: the user's token has not changed since.
   */
  static boolean stillValid(Session session, User user) {
    return user.token() != null
        && !user.token().isEmpty()
        && MessageDigest.isEqual(
            proof(user.token()).getBytes(StandardCharsets.US_ASCII),
            session.proof().getBytes(StandardCharsets.US_ASCII));
  }

  static boolean matches(User user, String token) {
    if (user.token() == null || user.token().isEmpty() || token == null) {
      return false;
    }
    return MessageDigest.isEqual(
        user.token().getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
  }

  /** A digest of the token (the cookie must not carry the token itself). */
  private static String proof(String token) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(("okc-token\n" + token).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  private static void json(RoutingContext ctx, int status, JsonNode body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(Json.write(body));
  }
}
