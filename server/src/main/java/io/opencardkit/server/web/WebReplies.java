package io.opencardkit.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.core.ApiException;
import io.opencardkit.core.Json;
import io.opencardkit.core.store.StorageException;
import io.opencardkit.server.http.Envelope;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers of the web API: plain JSON on success; {@code {"code","msg"}} with the HTTP status on
 * failure. Always answers on the request's context.
 */
final class WebReplies {
  private static final Logger LOG = LoggerFactory.getLogger(WebReplies.class);

  private WebReplies() {}

  /** Answers with the future's JSON (a string already encoded, or a tree). */
  static void reply(RoutingContext ctx, CompletableFuture<?> future) {
    Context context = ctx.vertx().getOrCreateContext();
    future.whenComplete(
        (value, failure) ->
            context.runOnContext(
                v -> {
                  if (failure != null) {
                    fail(ctx, failure);
                  } else if (value instanceof JsonNode) {
                    send(ctx, 200, Json.write((JsonNode) value));
                  } else {
                    send(ctx, 200, (String) value);
                  }
                }));
  }

  static void fail(RoutingContext ctx, Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof WebError) {
      WebError e = (WebError) cause;
      send(ctx, e.status(), error(e.code(), e.getMessage()));
    } else if (cause instanceof ApiException) {
      ApiException e = (ApiException) cause;
      send(ctx, 400, error(e.code().code(), e.getMessage()));
    } else if (cause instanceof StorageException) {
      LOG.warn("storage failure log_id={}: {}", Envelope.logId(ctx), cause.toString());
      send(ctx, 503, error(503, "storage unavailable, retry later"));
    } else {
      LOG.error("internal error log_id=" + Envelope.logId(ctx), cause);
      send(ctx, 500, error(500, "internal error, log_id " + Envelope.logId(ctx)));
    }
  }

  static String error(int code, String msg) {
    return Json.write(Json.object().put("code", code).put("msg", msg));
  }

  static void send(RoutingContext ctx, int status, String json) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    response
        .setStatusCode(status)
        .putHeader("Content-Type", Envelope.CONTENT_TYPE)
        .putHeader("Cache-Control", "no-store")
        .end(json);
  }
}
