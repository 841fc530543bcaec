package io.opencardkit.server.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.ApiException;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.Json;
import io.opencardkit.server.directory.App;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.http.Envelope;
import io.opencardkit.server.http.RequestBody;
import io.opencardkit.server.http.Responder;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/** Token endpoints, the bearer-token check in front of every other API, and {@code bot/v3/info}. */
public final class AuthApi {
  private final TokenService tokens;
  private final Supplier<Directory> directory;

  public AuthApi(TokenService tokens, Supplier<Directory> directory) {
    this.tokens = tokens;
    this.directory = directory;
  }

  /**
   * Mounts the token endpoints, then the token check for everything else under {@code /open-apis}.
   */
  public void mount(Router router) {
    router
        .post("/open-apis/auth/v3/tenant_access_token/internal")
        .handler(ctx -> issue(ctx, false));
    router.post("/open-apis/auth/v3/app_access_token/internal").handler(ctx -> issue(ctx, true));
    router.route("/open-apis/*").handler(authenticate());
    router.get("/open-apis/bot/v3/info").handler(this::botInfo);
  }

  private void issue(RoutingContext ctx, boolean appToken) {
    try {
      RequestBody body = RequestBody.of(ctx);
      String appId = body.requiredString("app_id", 1, 100);
      ctx.put(Responder.APP_ID, appId);
      String secret = body.requiredString("app_secret", 1, 200);
      TokenService.Issued issued = tokens.issue(appId, secret);
      ObjectNode fields = Json.object();
      if (appToken) {
        fields.put("app_access_token", issued.token());
      }
      fields.put("tenant_access_token", issued.token()).put("expire", issued.expireSeconds());
      Envelope.okTopLevel(ctx, fields);
    } catch (ApiException e) {
      Responder.refuse(ctx, e);
    }
  }

  private Handler<RoutingContext> authenticate() {
    return ctx -> {
      try {
        ctx.put(Responder.APP_ID, tokens.authenticate(ctx.request().getHeader("Authorization")));
        ctx.next();
      } catch (ApiException e) {
        Responder.refuse(ctx, e);
      }
    };
  }

  private void botInfo(RoutingContext ctx) {
    App app =
        directory
            .get()
            .app(ctx.get(Responder.APP_ID))
            .orElseThrow(() -> new ApiException(ErrorCode.TOKEN_INVALID));
    ObjectNode bot = Json.object();
    bot.put("activate_status", 2)
        .put("app_name", app.name())
        .put("avatar_url", "")
        .put("open_id", app.botOpenId());
    bot.putArray("ip_white_list");
    ObjectNode fields = Json.object();
    fields.set("bot", bot);
    Envelope.okTopLevel(ctx, fields);
  }
}
