package io.opencardkit.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.core.ApiException;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.store.StorageException;
import io.vertx.core.Context;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a request from a future: success as the envelope, an {@link ApiException} as a Feishu
 * error (whose message the call log's line carries), a storage failure as a retryable 503, anything
 * else as a logged 500. Always answers on the request's Vert.x context.
 */
public final class Responder {
  private static final Logger LOG = LoggerFactory.getLogger(Responder.class);

  /** Key of the authenticated app id in the routing context. */
  public static final String APP_ID = "okc.appId";

  /** Key of the card id a refusal concerns. */
  public static final String CARD_ID = "okc.cardId";

  /** Key of the sequence a refusal concerns. */
  public static final String SEQUENCE = "okc.sequence";

  /** Key of the message of the refusal a call was answered with (for the call log). */
  static final String REFUSAL = "okc.refusal";

  /** Key of an optional {@link RefusalListener} in the routing context. */
  public static final String REFUSAL_LISTENER = "okc.refusalListener";

  private Responder() {}

  /** Completes the request with {@code data} mapped from the future's value. */
  public static <T> void reply(
      RoutingContext ctx, CompletableFuture<T> future, Function<T, JsonNode> data) {
    reply(ctx, future, data, "success");
  }

  /**
   * As {@link #reply(RoutingContext, CompletableFuture, Function)} with another success {@code msg}
   * ("ok").
   */
  public static <T> void reply(
      RoutingContext ctx, CompletableFuture<T> future, Function<T, JsonNode> data, String msg) {
    Context context = ctx.vertx().getOrCreateContext();
    future.whenComplete(
        (value, failure) ->
            context.runOnContext(
                v -> {
                  if (failure == null) {
                    try {
                      Envelope.ok(ctx, data.apply(value), msg);
                    } catch (RuntimeException e) {
                      fail(ctx, e);
                    }
                  } else {
                    fail(ctx, failure);
                  }
                }));
  }

  /** Answers with an error for any failure. */
  public static void fail(RoutingContext ctx, Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof ApiException) {
      refuse(ctx, (ApiException) cause);
    } else if (cause instanceof StorageException) {
      LOG.warn("storage failure log_id={}: {}", Envelope.logId(ctx), cause.toString());
      refuse(ctx, new ApiException(ErrorCode.STORAGE_UNAVAILABLE));
    } else {
      LOG.error("internal error log_id=" + Envelope.logId(ctx), cause);
      Envelope.error(ctx, new ApiException(ErrorCode.INTERNAL));
    }
  }

  /** Answers with a Feishu error and writes the refusal line. */
  public static void refuse(RoutingContext ctx, ApiException e) {
    String method = ctx.request().method().name();
    String path = ctx.request().path();
    ctx.put(REFUSAL, e.getMessage()); // the call log's line says it (CallLog)
    RefusalListener listener = ctx.get(REFUSAL_LISTENER);
    if (listener != null) {
      listener.refused(
          method,
          path,
          ctx.get(APP_ID),
          ctx.get(CARD_ID),
          ctx.get(SEQUENCE),
          e,
          Envelope.logId(ctx));
    }
    Envelope.error(ctx, e);
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException
            || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
