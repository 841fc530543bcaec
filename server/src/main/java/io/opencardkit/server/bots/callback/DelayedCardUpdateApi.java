package io.opencardkit.server.bots.callback;

import io.opencardkit.core.ApiException;
import io.opencardkit.core.Json;
import io.opencardkit.server.http.RequestBody;
import io.opencardkit.server.http.Responder;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /open-apis/interactive/v1/card/update} {@code {"token","card"}}: see {@link
 * DelayedCardUpdates}.
 */
public final class DelayedCardUpdateApi {
  private final DelayedCardUpdates updates;

  public DelayedCardUpdateApi(DelayedCardUpdates updates) {
    this.updates = updates;
  }

  public void mount(Router router) {
    router.post("/open-apis/interactive/v1/card/update").handler(this::update);
  }

  private void update(RoutingContext ctx) {
    try {
      RequestBody body = RequestBody.of(ctx);
      String token = body.requiredString("token", 1, 1000);
      // Feishu answers this endpoint with "ok" (its response example), as it does IM PATCH.
      Responder.reply(
          ctx,
          updates.update(ctx.get(Responder.APP_ID), token, body.node().get("card")),
          v -> Json.object(),
          "ok");
    } catch (ApiException e) {
      Responder.refuse(ctx, e);
    }
  }
}
