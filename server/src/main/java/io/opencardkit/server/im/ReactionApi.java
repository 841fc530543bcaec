package io.opencardkit.server.im;

import io.opencardkit.core.ApiException;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.server.http.RequestBody;
import io.opencardkit.server.http.Responder;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST/GET /open-apis/im/v1/messages/:message_id/reactions} and {@code DELETE
 * …/reactions/:reaction_id}.
 */
public final class ReactionApi {
  private static final String BASE = "/open-apis/im/v1/messages/:message_id/reactions";

  private final Reactions reactions;

  public ReactionApi(Reactions reactions) {
    this.reactions = reactions;
  }

  public void mount(Router router) {
    router.post(BASE).handler(this::add);
    router.get(BASE).handler(this::list);
    router.delete(BASE + "/:reaction_id").handler(this::remove);
  }

  private void add(RoutingContext ctx) {
    try {
      RequestBody body = RequestBody.of(ctx);
      String emoji = body.node().path("reaction_type").path("emoji_type").asText(null);
      if (emoji == null) {
        throw ApiException.of(ErrorCode.FIELD_VALIDATION, "reaction_type.emoji_type is required");
      }
      Responder.reply(
          ctx,
          reactions.add(ctx.get(Responder.APP_ID), ctx.pathParam("message_id"), emoji),
          d -> d);
    } catch (ApiException e) {
      Responder.refuse(ctx, e);
    }
  }

  private void remove(RoutingContext ctx) {
    try {
      String reactionId = ctx.pathParam("reaction_id");
      if (reactionId == null || reactionId.isEmpty() || reactionId.length() > 200) {
        throw new ApiException(ErrorCode.REACTION_ID_INVALID);
      }
      Responder.reply(
          ctx,
          reactions.remove(ctx.get(Responder.APP_ID), ctx.pathParam("message_id"), reactionId),
          d -> d);
    } catch (ApiException e) {
      Responder.refuse(ctx, e);
    }
  }

  private void list(RoutingContext ctx) {
    try {
      int pageSize = 20;
      String size = ctx.queryParams().get("page_size");
      if (size != null && !size.isEmpty()) {
        try {
          pageSize = Integer.parseInt(size);
        } catch (NumberFormatException e) {
          pageSize = -1;
        }
        if (pageSize < 1 || pageSize > 50) {
          throw ApiException.of(ErrorCode.FIELD_VALIDATION, "page_size must be 1..50");
        }
      }
      String userIdType = ctx.queryParams().get("user_id_type");
      if (userIdType != null && !userIdType.isEmpty() && !"open_id".equals(userIdType)) {
        throw ApiException.of(
            ErrorCode.FIELD_VALIDATION,
            "user_id_type " + userIdType + " is not supported by OpenCardKit (open_id)");
      }
      Responder.reply(
          ctx,
          reactions.list(
              ctx.get(Responder.APP_ID),
              ctx.pathParam("message_id"),
              ctx.queryParams().get("reaction_type"),
              ctx.queryParams().get("page_token"),
              pageSize),
          d -> d);
    } catch (ApiException e) {
      Responder.refuse(ctx, e);
    }
  }
}
