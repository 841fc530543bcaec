package io.opencardkit.server.signin;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.core.Json;
import io.opencardkit.server.WebAccess;
import io.opencardkit.server.directory.User;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2AuthorizationURL;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import io.vertx.ext.auth.oauth2.providers.OpenIDConnectAuth;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-in with the team's OpenID Connect provider: the authorization code flow with PKCE ({@code
 * S256}), a {@code state} against forged callbacks and a {@code nonce} against replayed ID tokens.
 * {@code /web/auth/login} sends the browser to the provider, {@code /web/auth/callback} takes it
 * back, exchanges the code for tokens (vertx-auth-oauth2 checks the ID token's signature against
 * the provider's keys, its issuer and audience), finds the directory user named by the configured
 * claim and opens a session.
 *
 * <p>Implementation notes: what the callback must compare with (state, PKCE verifier, nonce, where
 * to go next) travels in a short-lived cookie signed with the cluster's key, so the provider may
 * send the browser back to any node. The provider's configuration is discovered at start and again
 * at the next sign-in after a failure.
 */
final class OidcSignIn {
  private static final Logger LOG = LoggerFactory.getLogger(OidcSignIn.class);
  static final String MODE = "oidc";
  private static final Duration SIGN_IN_WINDOW = Duration.ofMinutes(10);
  private static final String CALLBACK_PATH = "/web/auth/callback";
  private static final String TYPE = "oidc-sign-in";

  private final Vertx vertx;
  private final WebAccess.Oidc settings;
  private final Sessions sessions;
  private final SessionKeys keys;
  private final DirectoryUsers users;
  private final boolean tls;
  private final AtomicReference<Future<OAuth2Auth>> provider = new AtomicReference<>();

  OidcSignIn(
      Vertx vertx,
      WebAccess.Oidc settings,
      Sessions sessions,
      SessionKeys keys,
      DirectoryUsers users,
      boolean tls) {
    this.vertx = vertx;
    this.settings = settings;
    this.sessions = sessions;
    this.keys = keys;
    this.users = users;
    this.tls = tls;
    provider(); // discover now, so that a wrong issuer shows in the log at start
  }

  void mount(Router router) {
    router.get("/web/auth/login").handler(this::login);
    router.get(CALLBACK_PATH).handler(this::callback);
  }

  /** The provider, discovered once; a failed discovery is tried again by the next caller. */
  private Future<OAuth2Auth> provider() {
    Future<OAuth2Auth> current = provider.get();
    if (current != null && !current.failed()) {
      return current;
    }
    OAuth2Options options =
        new OAuth2Options()
            .setSite(settings.issuer())
            .setClientId(settings.clientId())
            .setClientSecret(settings.clientSecret())
            .setJWTOptions(new JWTOptions().setLeeway(60));
    Future<OAuth2Auth> discovered =
        OpenIDConnectAuth.discover(vertx, options)
            .onFailure(
                e ->
                    LOG.warn(
                        "OpenID Connect discovery at {} failed (tried again at the next sign-in): {}",
                        settings.issuer(),
                        e.getMessage()));
    provider.compareAndSet(current, discovered);
    return discovered;
  }

  // --- /web/auth/login
  // -----------------------------------------------------------------------------------------------

  private void login(RoutingContext ctx) {
    String next = localPath(ctx.queryParams().get("next"));
    provider()
        .onComplete(
            result -> {
              if (result.failed()) {
                unavailable(ctx);
                return;
              }
              String state = Sessions.randomId();
              String nonce = Sessions.randomId();
              String verifier =
                  Sessions.randomId() + Sessions.randomId(); // 48 characters of 43..128 allowed
              JsonNode inFlight =
                  Json.object()
                      .put("typ", TYPE)
                      .put("state", state)
                      .put("nonce", nonce)
                      .put("verifier", verifier)
                      .put("next", next)
                      .put("exp", sessions.nowMillis() + SIGN_IN_WINDOW.toMillis());
              SessionCookies.set(
                  ctx,
                  SessionCookies.SIGN_IN,
                  SessionCodec.sign(inFlight, keys.signing()),
                  CALLBACK_PATH,
                  SIGN_IN_WINDOW,
                  tls);
              String url =
                  result
                      .result()
                      .authorizeURL(
                          new OAuth2AuthorizationURL()
                              .setRedirectUri(redirectUri(ctx))
                              .setScopes(List.of("openid", "email", "profile"))
                              .setState(state)
                              .setCodeChallenge(challenge(verifier))
                              .setCodeChallengeMethod("S256")
                              .putAdditionalParameter("nonce", nonce));
              ctx.response()
                  .setStatusCode(302)
                  .putHeader("Location", url)
                  .putHeader("Cache-Control", "no-store")
                  .end();
            });
  }

  /**
   * A path on this server to return to after the sign-in ({@code /} for anything else, e.g. another
   * site).
   */
  static String localPath(String next) {
    if (next == null
        || !next.startsWith("/")
        || next.startsWith("//")
        || next.startsWith("/\\")
        || next.contains("\r")
        || next.contains("\n")) {
      return "/";
    }
    return next;
  }

  private static String challenge(String verifier) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  private String redirectUri(RoutingContext ctx) {
    if (settings.redirectUri() != null) {
      return settings.redirectUri();
    }
    String scheme = SessionCookies.secure(ctx, tls) ? "https" : "http";
    io.vertx.core.net.HostAndPort authority =
        ctx.request().authority(); // Host, or HTTP/2's :authority
    return scheme
        + "://"
        + authority.host()
        + (authority.port() >= 0 ? ":" + authority.port() : "")
        + CALLBACK_PATH;
  }

  // --- /web/auth/callback
  // --------------------------------------------------------------------------------------------

  private void callback(RoutingContext ctx) {
    String error = ctx.queryParams().get("error");
    Optional<JsonNode> inFlight =
        SessionCodec.verify(SessionCookies.read(ctx, SessionCookies.SIGN_IN), keys.accepted())
            .filter(
                p ->
                    TYPE.equals(p.path("typ").asText())
                        && p.path("exp").asLong() > sessions.nowMillis());
    SessionCookies.clear(ctx, SessionCookies.SIGN_IN, CALLBACK_PATH, tls);
    if (error != null) {
      refused(ctx, 401, "身份提供方拒绝了登录（" + error + "）。The identity provider refused the sign-in.");
      return;
    }
    String state = ctx.queryParams().get("state");
    String code = ctx.queryParams().get("code");
    if (inFlight.isEmpty()
        || state == null
        || code == null
        || !MessageDigest.isEqual(
            state.getBytes(StandardCharsets.UTF_8),
            inFlight.get().path("state").asText().getBytes(StandardCharsets.UTF_8))) {
      SignInPages.send(
          ctx,
          400,
          "signin-stale",
          "登录已失效",
          "这个登录链接已过期，或不是从本页面发起的，请重新登录。This sign-in expired or was not started here; please sign in again.",
          "/web/auth/login",
          "重新登录 · Sign in");
      return;
    }
    JsonNode started = inFlight.get();
    provider()
        .compose(
            auth ->
                auth.authenticate(
                    new Oauth2Credentials()
                        .setFlow(OAuth2FlowType.AUTH_CODE)
                        .setCode(code)
                        .setRedirectUri(redirectUri(ctx))
                        .setCodeVerifier(started.path("verifier").asText())))
        .onComplete(
            result -> {
              if (result.failed()) {
                // The provider's answer may quote the request, never our secret: vertx-auth sends
                // that in the body only.
                LOG.warn("OpenID Connect code exchange failed: {}", result.cause().getMessage());
                refused(
                    ctx, 401, "无法向身份提供方确认这次登录。The identity provider did not confirm this sign-in.");
                return;
              }
              JsonObject idToken = result.result().attributes().getJsonObject("idToken");
              Optional<String> problem = idTokenProblem(idToken, started.path("nonce").asText());
              if (problem.isPresent()) {
                LOG.warn("OpenID Connect sign-in refused: {}", problem.get());
                refused(
                    ctx,
                    401,
                    "身份提供方的凭证无效。The identity provider's ID token was not valid: " + problem.get());
                return;
              }
              signIn(ctx, idToken, started.path("next").asText("/"));
            });
  }

  /**
   * Why an ID token is not acceptable (vertx-auth checked signature, issuer and audience when it
   * kept it).
   */
  private Optional<String> idTokenProblem(JsonObject idToken, String nonce) {
    if (idToken == null) {
      return Optional.of("no ID token, or its signature, issuer or audience did not verify");
    }
    if (!nonce.equals(idToken.getString("nonce"))) {
      return Optional.of("the nonce does not match this sign-in");
    }
    Long exp = idToken.getLong("exp");
    if (exp == null || exp * 1000 + 60_000 < sessions.nowMillis()) {
      return Optional.of("it has expired");
    }
    return Optional.empty();
  }

  private void signIn(RoutingContext ctx, JsonObject idToken, String next) {
    Object claim = idToken.getValue(settings.userClaim());
    if (!(claim instanceof String) || ((String) claim).isBlank()) {
      refused(
          ctx,
          403,
          "身份提供方没有提供 "
              + settings.userClaim()
              + "，无法确定您是谁。The identity provider did not give the "
              + settings.userClaim()
              + " claim this server identifies people by.");
      return;
    }
    String value = (String) claim;
    // An address the provider has not verified could be anyone's: never let it name a user.
    if ("email".equals(settings.userClaim())
        && Boolean.FALSE.equals(idToken.getValue("email_verified"))) {
      refused(
          ctx,
          403,
          "您的邮箱 "
              + value
              + " 尚未在身份提供方验证。Your e-mail address "
              + value
              + " is not verified by the identity provider.");
      return;
    }
    Optional<User> known = users.byClaim(value);
    if (known.isPresent()) {
      open(ctx, known.get(), next);
    } else if (settings.autoProvision()) {
      vertx
          .<User>executeBlocking(
              () ->
                  users.provision(
                      value,
                      idToken.getString("iss", settings.issuer()),
                      idToken.getString("sub", value),
                      displayName(idToken, value),
                      stringClaim(idToken, "email")),
              false)
          .onSuccess(user -> open(ctx, user, next))
          .onFailure(
              e -> {
                LOG.warn("could not add a user for a new sign-in: {}", e.toString());
                refused(
                    ctx,
                    503,
                    "暂时无法为您创建账号，请稍后再试。Your account could not be created; try again later.");
              });
    } else {
      LOG.info("OpenID Connect sign-in of {} refused: no such user in the directory", value);
      SignInPages.send(
          ctx,
          403,
          "signin-unknown-user",
          "没有这个用户",
          value
              + " 不是这个 OpenCardKit 的用户。请管理员在 seed 中为您添加 email: "
              + value
              + "。"
              + " "
              + value
              + " is not a user of this OpenCardKit; ask an administrator to add a user with email: "
              + value
              + " to the seed.",
          null,
          null);
    }
  }

  private void open(RoutingContext ctx, User user, String next) {
    Session session = sessions.open(user.openId(), MODE, "");
    SessionCookies.set(
        ctx, SessionCookies.SESSION, sessions.cookieValue(session), "/", sessions.timeout(), tls);
    ctx.response()
        .setStatusCode(302)
        .putHeader("Location", next)
        .putHeader("Cache-Control", "no-store")
        .end();
  }

  private static String displayName(JsonObject idToken, String fallback) {
    String name = stringClaim(idToken, "name");
    return name != null
        ? name
        : Optional.ofNullable(stringClaim(idToken, "preferred_username")).orElse(fallback);
  }

  private static String stringClaim(JsonObject idToken, String claim) {
    Object value = idToken.getValue(claim);
    return value instanceof String && !((String) value).isBlank() ? (String) value : null;
  }

  private static void refused(RoutingContext ctx, int status, String message) {
    SignInPages.send(
        ctx, status, "signin-refused", "无法登录", message, "/web/auth/login", "重新登录 · Sign in again");
  }

  private static void unavailable(RoutingContext ctx) {
    SignInPages.send(
        ctx,
        503,
        "signin-unavailable",
        "无法登录",
        "暂时无法连接身份提供方，请稍后再试。The identity provider cannot be reached; try again later.",
        "/web/auth/login",
        "重试 · Retry");
  }
}
