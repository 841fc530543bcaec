package io.opencardkit.server.im;

import io.opencardkit.core.ApiException;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.Json;
import io.opencardkit.server.http.RequestBody;
import io.opencardkit.server.http.Responder;
import io.opencardkit.server.templates.TemplateLibrary;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** The IM v1 message endpoints bots call around a card. */
public final class ImApi {
  private static final String BASE = "/open-apis/im/v1/messages";

  private final MessageService messages;
  private final TemplateLibrary templates;

  public ImApi(MessageService messages, TemplateLibrary templates) {
    this.messages = messages;
    this.templates = templates;
  }

  public void mount(Router router) {
    router.post(BASE).handler(this::send);
    router.get(BASE).handler(this::list);
    router.post(BASE + "/:message_id/reply").handler(this::reply);
    router.get(BASE + "/:message_id").handler(this::get);
    router.patch(BASE + "/:message_id").handler(this::patch);
  }

  private void send(RoutingContext ctx) {
    try {
      String receiveIdType = ctx.queryParams().get("receive_id_type");
      if (receiveIdType == null || receiveIdType.isEmpty()) {
        throw ApiException.of(ErrorCode.FIELD_VALIDATION, "receive_id_type is required");
      }
      RequestBody body = RequestBody.of(ctx);
      String receiveId = body.requiredString("receive_id", 1, 200);
      MessageService.Outgoing outgoing = outgoing(body);
      Responder.reply(
          ctx,
          messages.send(ctx.get(Responder.APP_ID), receiveIdType, receiveId, outgoing),
          m -> m);
    } catch (ApiException e) {
      Responder.refuse(ctx, e);
    }
  }

  private void reply(RoutingContext ctx) {
    try {
      RequestBody body = RequestBody.of(ctx);
      body.optionalBoolean("reply_in_thread");
      MessageService.Outgoing outgoing = outgoing(body);
      Responder.reply(
          ctx,
          messages.reply(ctx.get(Responder.APP_ID), ctx.pathParam("message_id"), outgoing),
          m -> m);
    } catch (ApiException e) {
      Responder.refuse(ctx, e);
    }
  }

  private MessageService.Outgoing outgoing(RequestBody body) {
    String msgType = body.requiredString("msg_type", 1, 50);
    String content = body.requiredString("content", 1, Integer.MAX_VALUE);
    if ("interactive".equals(msgType)) {
      content =
          templates.expandMessageContent(content); // a card template is sent as the card it renders
    }
    String uuid = body.optionalKey("uuid", 1, 50);
    return MessageService.validate(msgType, content, uuid);
  }

  private void get(RoutingContext ctx) {
    Responder.reply(
        ctx, messages.get(ctx.get(Responder.APP_ID), ctx.pathParam("message_id")), d -> d);
  }

  private void list(RoutingContext ctx) {
    try {
      String type = ctx.queryParams().get("container_id_type");
      String chatId = ctx.queryParams().get("container_id");
      if (!"chat".equals(type)) {
        throw ApiException.of(ErrorCode.FIELD_VALIDATION, "container_id_type must be chat");
      }
      if (chatId == null || chatId.isEmpty()) {
        throw ApiException.of(ErrorCode.FIELD_VALIDATION, "container_id is required");
      }
      long start = seconds(ctx, "start_time", 0) * 1000;
      long endSeconds = seconds(ctx, "end_time", -1);
      long end =
          endSeconds < 0
              ? Long.MAX_VALUE
              : Math.multiplyExact(endSeconds, 1000L) + 999; // the whole last second
      String sort = ctx.queryParams().get("sort_type");
      boolean ascending = sort == null || sort.isEmpty() || "ByCreateTimeAsc".equals(sort);
      if (!ascending && !"ByCreateTimeDesc".equals(sort)) {
        throw ApiException.of(
            ErrorCode.FIELD_VALIDATION, "sort_type must be ByCreateTimeAsc or ByCreateTimeDesc");
      }
      long pageSizeParam = seconds(ctx, "page_size", 20);
      if (pageSizeParam < 1
          || pageSizeParam > 50) { // checked before narrowing: 4294967297 must not become 1
        throw ApiException.of(ErrorCode.FIELD_VALIDATION, "page_size must be 1..50");
      }
      int pageSize = (int) pageSizeParam;
      int offset = PageTokens.decode(ctx.queryParams().get("page_token"));
      Responder.reply(
          ctx,
          messages.list(ctx.get(Responder.APP_ID), chatId, start, end, ascending, offset, pageSize),
          d -> d);
    } catch (ApiException e) {
      Responder.refuse(ctx, e);
    }
  }

  private static long seconds(RoutingContext ctx, String name, long fallback) {
    String value = ctx.queryParams().get(name);
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    try {
      long parsed = Long.parseLong(value);
      if (parsed < 0 || parsed > 9_000_000_000_000L) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw ApiException.of(ErrorCode.FIELD_VALIDATION, name + " must be an integer");
    }
  }

  private void patch(RoutingContext ctx) {
    try {
      String content =
          templates.expandMessageContent(
              RequestBody.of(ctx).requiredString("content", 1, Integer.MAX_VALUE));
      Responder.reply(
          ctx,
          messages.patch(ctx.get(Responder.APP_ID), ctx.pathParam("message_id"), content),
          v -> Json.object(),
          "ok");
    } catch (ApiException e) {
      Responder.refuse(ctx, e);
    }
  }
}
