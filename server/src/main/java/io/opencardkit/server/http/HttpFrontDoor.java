package io.opencardkit.server.http;

import io.netty.handler.codec.DecoderException;
import io.opencardkit.core.ApiException;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
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
  /** The one API whose body is a multipart upload: it is read whole into memory ({@link #UPLOAD}), at most this much. */
  public static final String IMAGE_UPLOAD_PATH = "/open-apis/im/v1/images";
  /** Key of an upload's body ({@link Upload}) in the routing context. */
  public static final String UPLOAD = "okc.upload";
  /** An image of 10 MB and the multipart framing around it. */
  static final int MAX_UPLOAD_BYTES = 10 * 1024 * 1024 + 64 * 1024;

  /**
   * The body of an upload: its bytes, or {@code null} when it was larger than {@value #MAX_UPLOAD_BYTES} bytes (the
   * rest was read and dropped, so that the answer reaches the client).
   */
  public record Upload(byte[] bytes, long totalBytes) {}

  private HttpFrontDoor() {}

  public static void mountFirst(Router router, Clock clock) {
    LogIds logIds = new LogIds(clock);
    router.route().handler(ctx -> {
      String logId = logIds.next();
      ctx.put(Envelope.LOG_ID, logId);
      ctx.response().putHeader("X-Tt-Logid", logId);
      ctx.next();
    });
    router.get("/healthz").handler(ctx -> Envelope.send(ctx, 200, Json.object().put("status", "ok")));
    BodyHandler bodies = BodyHandler.create().setBodyLimit(MAX_BODY_BYTES).setHandleFileUploads(false);
    router.route("/open-apis/*").handler(ctx -> {
      if (HttpMethod.POST.equals(ctx.request().method()) && IMAGE_UPLOAD_PATH.equals(ctx.request().path())) {
        readUpload(ctx); // Vert.x's body handler keeps no multipart bytes in memory: it writes files to disk
      } else {
        bodies.handle(ctx);
      }
    });
  }

  private static void readUpload(RoutingContext ctx) {
    Buffer body = Buffer.buffer();
    long[] total = {0};
    ctx.request().handler(chunk -> {
      total[0] += chunk.length();
      if (total[0] <= MAX_UPLOAD_BYTES) {
        body.appendBuffer(chunk);
      }
    });
    ctx.request().endHandler(v -> {
      ctx.put(UPLOAD, new Upload(total[0] <= MAX_UPLOAD_BYTES ? body.getBytes() : null, total[0]));
      ctx.next();
    });
    if ("100-continue".equalsIgnoreCase(ctx.request().getHeader("Expect"))) {
      ctx.response().writeContinue(); // curl asks before sending a large upload, and would otherwise wait a second
    }
    ctx.request().resume();
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
