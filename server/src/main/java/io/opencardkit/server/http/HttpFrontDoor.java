package io.opencardkit.server.http;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.opencardkit.core.ApiException;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every request meets before and after the APIs: a log id and {@code X-Tt-Logid} header, a
 * check that its path and query decode, body reading with a size limit, {@code /healthz},
 * Feishu-shaped 404s for unknown {@code /open-apis} paths, and a failure handler that never answers
 * with an HTML page.
 */
public final class HttpFrontDoor {
  /**
   * Large enough for the biggest documented field (3,000,000 characters of card JSON, up to 3 bytes
   * each).
   */
  static final long MAX_BODY_BYTES = 12L * 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(HttpFrontDoor.class);

  /**
   * The one API whose body is a multipart upload: it is read whole into memory ({@link #UPLOAD}),
   * at most this much.
   */
  public static final String IMAGE_UPLOAD_PATH = "/open-apis/im/v1/images";

  /** Key of an upload's body ({@link Upload}) in the routing context. */
  public static final String UPLOAD = "okc.upload";

  /** An image of 10 MB and the multipart framing around it. */
  static final int MAX_UPLOAD_BYTES = 10 * 1024 * 1024 + 64 * 1024;

  /**
   * The body of an upload: its bytes, or {@code null} when it was larger than {@value
   * #MAX_UPLOAD_BYTES} bytes (the rest was read and dropped, so that the answer reaches the
   * client).
   */
  public record Upload(byte[] bytes, long totalBytes) {}

  private HttpFrontDoor() {}

  public static void mountFirst(Router router, Clock clock) {
    mountFirst(router, clock, call -> {}, new Draining());
  }

  /**
   * As {@link #mountFirst(Router, Clock)}, telling {@code calls} about every OpenAPI call once
   * answered (the call log, the metrics) and counting the calls in flight for {@code draining};
   * {@code /healthz} answers 503 once the node drains.
   */
  public static void mountFirst(
      Router router, Clock clock, ApiCallListener calls, Draining draining) {
    LogIds logIds = new LogIds(clock);
    router
        .route()
        .handler(
            ctx -> {
              String logId = logIds.next();
              ctx.put(Envelope.LOG_ID, logId);
              ctx.response().putHeader("X-Tt-Logid", logId);
              ctx.next();
            });
    router.route().handler(HttpFrontDoor::requireDecodableTarget);
    router
        .route("/open-apis/*")
        .handler(
            ctx -> {
              long started = System.nanoTime();
              draining.callStarted();
              ctx.addEndHandler(
                  ended -> {
                    try {
                      calls.finished(
                          callOf(
                              ctx,
                              started)); // first: a drained node has logged and counted every call
                    } finally {
                      draining.callEnded();
                    }
                  });
              ctx.next();
            });
    router
        .get("/healthz")
        .handler(
            ctx -> {
              if (draining.draining()) {
                Envelope.send(ctx, 503, Json.object().put("status", "draining"));
              } else {
                Envelope.send(ctx, 200, Json.object().put("status", "ok"));
              }
            });
    BodyHandler bodies =
        BodyHandler.create().setBodyLimit(MAX_BODY_BYTES).setHandleFileUploads(false);
    router
        .route("/open-apis/*")
        .handler(
            ctx -> {
              if (HttpMethod.POST.equals(ctx.request().method())
                  && IMAGE_UPLOAD_PATH.equals(ctx.request().path())) {
                // Vert.x's body handler keeps no multipart bytes in memory: it writes files to disk
                readUpload(ctx);
              } else {
                bodies.handle(ctx);
              }
            });
  }

  private static void readUpload(RoutingContext ctx) {
    Buffer body = Buffer.buffer();
    long[] total = {0};
    ctx.request()
        .handler(
            chunk -> {
              total[0] += chunk.length();
              if (total[0] <= MAX_UPLOAD_BYTES) {
                body.appendBuffer(chunk);
              }
            });
    ctx.request()
        .endHandler(
            v -> {
              ctx.put(
                  UPLOAD,
                  new Upload(total[0] <= MAX_UPLOAD_BYTES ? body.getBytes() : null, total[0]));
              ctx.next();
            });
    if ("100-continue".equalsIgnoreCase(ctx.request().getHeader("Expect"))) {
      // curl asks before sending a large upload, and would otherwise wait a second
      ctx.response().writeContinue();
    }
    ctx.request().resume();
  }

  public static void mountLast(Router router) {
    router
        .route("/open-apis/*")
        .handler(
            ctx ->
                Responder.refuse(
                    ctx,
                    ApiException.of(
                        ErrorCode.PATH_NOT_FOUND,
                        ctx.request().method()
                            + " "
                            + ctx.request().path()
                            + " is not implemented by OpenCardKit")));
    // A path no route matches never reaches the failure handler below: Vert.x would answer with its
    // HTML page.
    for (int status : new int[] {404, 405}) {
      router.errorHandler(
          status,
          ctx ->
              Responder.refuse(
                  ctx, ApiException.of(ErrorCode.PATH_NOT_FOUND, ctx.request().path())));
    }
    router
        .route()
        .failureHandler(
            ctx -> {
              if (ctx.response().closed()) {
                // the connection is gone (a deadline cut it, or the client left): nobody to answer
                return;
              }
              if (ctx.statusCode() == 413) {
                Responder.refuse(
                    ctx,
                    ApiException.of(
                        ErrorCode.INVALID_PARAMETER,
                        "request body larger than " + MAX_BODY_BYTES + " bytes"));
              } else if (undecodable(ctx.failure())) {
                // A form or multipart Content-Type makes Vert.x decode the body as a form too, and
                // Netty fails on what does
                // not decode (a field over 8 KB, a bad percent-escape such as "100%"}"). That is
                // the client's bad input, not
                // an internal error: it was a 500 until BadInputFuzzTest found it.
                Responder.refuse(
                    ctx,
                    ApiException.of(
                        ErrorCode.INVALID_PARAMETER,
                        "request body does not decode as the form its Content-Type announces; send JSON"));
              } else if (ctx.failure() != null
                  && ctx.request().version() != HttpVersion.HTTP_2
                  && ctx.request().authority() == null) {
                // Vert.x Web fails an HTTP/1.x request without a Host header it can parse before
                // any route runs.
                Responder.refuse(
                    ctx,
                    ApiException.of(
                        ErrorCode.INVALID_PARAMETER,
                        "a Host header naming the server (host[:port]) is required"));
              } else if (ctx.failure() != null) {
                Responder.fail(ctx, ctx.failure());
              } else if (ctx.statusCode() == 404 || ctx.statusCode() == 405) {
                Responder.refuse(
                    ctx, ApiException.of(ErrorCode.PATH_NOT_FOUND, ctx.request().path()));
              } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
                Responder.refuse(
                    ctx, ApiException.of(ErrorCode.INVALID_PARAMETER, "HTTP " + ctx.statusCode()));
              } else {
                LOG.error(
                    "unexpected failure status={} log_id={}",
                    ctx.statusCode(),
                    Envelope.logId(ctx));
                Envelope.error(ctx, new ApiException(ErrorCode.INTERNAL));
              }
            });
  }

  private static ApiCall callOf(RoutingContext ctx, long startedNanos) {
    long duration = System.nanoTime() - startedNanos;
    Integer answered = ctx.get(Envelope.CODE);
    int code = answered == null ? -1 : answered;
    String route =
        code == ErrorCode.PATH_NOT_FOUND.code()
            ? ApiCall.UNMATCHED
            : ApiRoutes.template(ctx.request().path());
    String cardId = ctx.get(Responder.CARD_ID);
    if (cardId == null) {
      cardId = ctx.pathParam("card_id");
    }
    String messageId = ctx.get(Envelope.MESSAGE_ID);
    if (messageId == null) {
      messageId = ctx.pathParam("message_id");
    }
    return new ApiCall(
        ctx.request().method().name(),
        route,
        ctx.get(Responder.APP_ID),
        cardId,
        messageId,
        ctx.get(Responder.SEQUENCE),
        code,
        ctx.response().getStatusCode(),
        duration,
        Envelope.logId(ctx),
        ctx.get(Responder.REFUSAL));
  }

  /**
   * Refuses, before any handler reads a parameter, a path or query string with a bad percent-escape
   * ({@code %ZZ}, a lone {@code %}) or escaped bytes that are not UTF-8: Vert.x's decoders throw (a
   * 500) or repair them (U+FFFD).
   */
  private static void requireDecodableTarget(io.vertx.ext.web.RoutingContext ctx) {
    String problem = RequestTarget.problem(ctx.request().path(), ctx.request().query());
    if (problem == null) {
      ctx.next();
    } else {
      Responder.refuse(ctx, ApiException.of(ErrorCode.INVALID_PARAMETER, problem));
    }
  }

  /**
   * Answers a request that does not decode as HTTP/1.x (a bad request line, a header line too long,
   * a malformed header) with a Feishu envelope instead of Vert.x's empty answer; Vert.x closes the
   * connection after it. Set with {@link io.vertx.core.http.HttpServer#invalidRequestHandler}.
   */
  public static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult() == null ? null : request.decoderResult().cause();
    int status = 400;
    String reason = "Bad Request";
    if (cause instanceof TooLongHttpLineException) {
      status = 414;
      reason = "URI Too Long";
    } else if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      reason = "Request Header Fields Too Large";
    }
    String message =
        "malformed HTTP request ("
            + reason
            + (cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage())
            + ")";
    String body =
        Json.write(
            Json.object().put("code", ErrorCode.INVALID_PARAMETER.code()).put("msg", message));
    request
        .response()
        .setStatusCode(status)
        .setStatusMessage(reason)
        .putHeader("Content-Type", Envelope.CONTENT_TYPE)
        .putHeader("Connection", "close")
        .end(body);
  }

  /**
   * Whether a failure was raised by Netty's form or multipart body decoder (a {@link
   * DecoderException}, or for instance an {@link IllegalArgumentException} for a bad
   * percent-escape): the client's bad input, not ours.
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
