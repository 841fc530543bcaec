package io.opencardkit.server.im;

import io.opencardkit.core.ApiException;
import io.opencardkit.core.Json;
import io.opencardkit.server.http.RequestBody;
import io.opencardkit.server.http.Responder;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code DELETE} (recall) and {@code PUT} (edit) of {@code /open-apis/im/v1/messages/:message_id}.
 */
public final class MessageRevisionApi {
  private static final String MESSAGE = "/open-apis/im/v1/messages/:message_id";

  private final MessageRevisions revisions;

  public MessageRevisionApi(MessageRevisions revisions) {
    this.revisions = revisions;
  }

  public void mount(Router router) {
    router.delete(MESSAGE).handler(this::recall);
    router.put(MESSAGE).handler(this::edit);
  }

  private void recall(RoutingContext ctx) {
    Responder.reply(
        ctx,
        revisions.recall(ctx.get(Responder.APP_ID), ctx.pathParam("message_id")),
        v -> Json.object());
  }

  private void edit(RoutingContext ctx) {
    try {
      RequestBody body = RequestBody.of(ctx);
      String msgType = body.requiredString("msg_type", 1, 50);
      String content = body.requiredString("content", 1, Integer.MAX_VALUE);
      Responder.reply(
          ctx,
          revisions.edit(ctx.get(Responder.APP_ID), ctx.pathParam("message_id"), msgType, content),
          m -> m);
    } catch (ApiException e) {
      Responder.refuse(ctx, e);
    }
  }
}
