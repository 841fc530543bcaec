package io.opencardkit.server.http;

import io.netty.handler.codec.DecoderException;
import io.opencardkit.core.ApiException;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every request meets before and after the APIs: a log id and {@code X-Tt-Logid} header, body reading with a
 * size limit, {@code /healthz}, Feishu-shaped 404s for unknown {@code /open-apis} paths, and a failure handler that
 * never answers with an HTML page.
 */
public final class HttpFrontDoor {
  /** Large enough for the biggest documented field (3,000,000 characters of card JSON, up to 3 bytes each). */
  static final long MAX_BODY_BYTES = 12L * 1024 * 1024;
  private static final Logger LOG = LoggerFactory.getLogger(HttpFrontDoor.class);

  private HttpFrontDoor() {}

  public static void mountFirst(Router router, Clock clock) {
    mountFirst(router, clock, call -> {}, new Draining());
  }

  /**
   * As {@link #mountFirst(Router, Clock)}, telling {@code calls} about every OpenAPI call once answered (the call log,
   * the metrics) and counting the calls in flight for {@code draining}; {@code /healthz} answers 503 once the node
   * drains.
   */
  public static void mountFirst(Router router, Clock clock, ApiCallListener calls, Draining draining) {
    LogIds logIds = new LogIds(clock);
    router.route().handler(ctx -> {
      String logId = logIds.next();
      ctx.put(Envelope.LOG_ID, logId);
      ctx.response().putHeader("X-Tt-Logid", logId);
      ctx.next();
    });
    router.route("/open-apis/*").handler(ctx -> {
      long started = System.nanoTime();
      draining.callStarted();
      ctx.addEndHandler(ended -> {
        try {
          calls.finished(callOf(ctx, started)); // first: a drained node has logged and counted every call
        } finally {
          draining.callEnded();
        }
      });
      ctx.next();
    });
    router.get("/healthz").handler(ctx -> {
      if (draining.draining()) {
        Envelope.send(ctx, 503, Json.object().put("status", "draining"));
      } else {
        Envelope.send(ctx, 200, Json.object().put("status", "ok"));
      }
    });
    router.route("/open-apis/*").handler(BodyHandler.create().setBodyLimit(MAX_BODY_BYTES).setHandleFileUploads(false));
  }

  public static void mountLast(Router router) {
    router.route("/open-apis/*").handler(ctx ->
        Responder.refuse(ctx, ApiException.of(ErrorCode.PATH_NOT_FOUND, ctx.request().method() + " " + ctx.request().path() + " is not implemented by OpenCardKit")));
    // A path no route matches never reaches the failure handler below: Vert.x would answer with its HTML page.
    for (int status : new int[] {404, 405}) {
      router.errorHandler(status, ctx -> Responder.refuse(ctx, ApiException.of(ErrorCode.PATH_NOT_FOUND, ctx.request().path())));
    }
    router.route().failureHandler(ctx -> {
      if (ctx.statusCode() == 413) {
        Responder.refuse(ctx, ApiException.of(ErrorCode.INVALID_PARAMETER, "request body larger than " + MAX_BODY_BYTES + " bytes"));
      } else if (undecodable(ctx.failure())) {
        // A form or multipart Content-Type makes Vert.x decode the body as a form too, and Netty fails on what does
        // not decode (a field over 8 KB, a bad percent-escape such as "100%"}"). That is the client's bad input, not
        // an internal error: it was a 500 until BadInputFuzzTest found it.
        Responder.refuse(ctx, ApiException.of(ErrorCode.INVALID_PARAMETER, "request body does not decode as the form its Content-Type announces; send JSON"));
      } else if (ctx.failure() != null) {
        Responder.fail(ctx, ctx.failure());
      } else if (ctx.statusCode() == 404 || ctx.statusCode() == 405) {
        Responder.refuse(ctx, ApiException.of(ErrorCode.PATH_NOT_FOUND, ctx.request().path()));
      } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
        Responder.refuse(ctx, ApiException.of(ErrorCode.INVALID_PARAMETER, "HTTP " + ctx.statusCode()));
      } else {
        LOG.error("unexpected failure status={} log_id={}", ctx.statusCode(), Envelope.logId(ctx));
        Envelope.error(ctx, new ApiException(ErrorCode.INTERNAL));
      }
    });
  }

  private static ApiCall callOf(RoutingContext ctx, long startedNanos) {
    long duration = System.nanoTime() - startedNanos;
    Integer answered = ctx.get(Envelope.CODE);
    int code = answered == null ? -1 : answered;
    String route = code == ErrorCode.PATH_NOT_FOUND.code() ? ApiCall.UNMATCHED : ApiRoutes.template(ctx.request().path());
    String cardId = ctx.get(Responder.CARD_ID);
    if (cardId == null) {
      cardId = ctx.pathParam("card_id");
    }
    String messageId = ctx.get(Envelope.MESSAGE_ID);
    if (messageId == null) {
      messageId = ctx.pathParam("message_id");
    }
    return new ApiCall(
        ctx.request().method().name(), route, ctx.get(Responder.APP_ID), cardId, messageId, ctx.get(Responder.SEQUENCE), code,
        ctx.response().getStatusCode(), duration, Envelope.logId(ctx), ctx.get(Responder.REFUSAL));
  }

  /**
   * Whether a failure was raised by Netty's form or multipart body decoder (a {@link DecoderException}, or for
   * instance an {@link IllegalArgumentException} for a bad percent-escape): the client's bad input, not ours.
   */
  private static boolean undecodable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof DecoderException) {
        return true;
      }
      for (StackTraceElement frame : t.getStackTrace()) {
        if (frame.getClassName().startsWith("io.netty.handler.codec.http.multipart.")) {
          return true;
        }
      }
    }
    return false;
  }
}
