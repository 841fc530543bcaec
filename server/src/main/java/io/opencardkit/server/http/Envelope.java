package io.opencardkit.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.ApiException;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.Json;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * Writes Feishu's response envelope {@code {code, msg, data}}: JSON content type, an {@code
 * X-Tt-Logid} header on every response, business errors with HTTP 400 and {@code error.log_id}.
 */
public final class Envelope {
  public static final String CONTENT_TYPE = "application/json; charset=utf-8";

  /** Key of the request's log id in the routing context. */
  public static final String LOG_ID = "okc.logId";

  /** Key of the Feishu code answered (for the call log and the metrics). */
  static final String CODE = "okc.code";

  /** Key of the message a call concerns when it is not in the path (the one a send created). */
  static final String MESSAGE_ID = "okc.messageId";

  private static final String TROUBLESHOOTER =
      "OpenCardKit: see docs/compatibility.md and the card's event log";

  private Envelope() {}

  /** The log id of this request (assigned by the first handler). */
  public static String logId(RoutingContext ctx) {
    return ctx.get(LOG_ID);
  }

  /** {@code {"code":0,"msg":"success","data":data}}. */
  public static void ok(RoutingContext ctx, JsonNode data) {
    ok(ctx, data, "success");
  }

  /** A success envelope with another {@code msg} (the IM PATCH answers "ok"). */
  public static void ok(RoutingContext ctx, JsonNode data, String msg) {
    ObjectNode body = Json.object().put("code", 0).put("msg", msg);
    body.set("data", data == null ? Json.object() : data);
    rememberIds(ctx, data);
    send(ctx, 200, body);
  }

  /**
   * A success body whose fields sit at the top level (token endpoints, bot info), with {@code msg}
   * "ok".
   */
  public static void okTopLevel(RoutingContext ctx, ObjectNode fields) {
    ObjectNode body = Json.object().put("code", 0).put("msg", "ok");
    body.setAll(fields);
    send(ctx, 200, body);
  }

  /** An error body with the code's HTTP status. */
  public static void error(RoutingContext ctx, ApiException e) {
    ErrorCode code = e.code();
    ObjectNode body = Json.object().put("code", code.code()).put("msg", e.getMessage());
    ObjectNode error = body.putObject("error");
    error.put("log_id", logId(ctx));
    error.put("troubleshooter", TROUBLESHOOTER);
    if (code == ErrorCode.RATE_LIMITED) {
      ctx.response()
          .putHeader("x-ogw-ratelimit-limit", "10")
          .putHeader("x-ogw-ratelimit-reset", "1");
    }
    send(ctx, code.httpStatus(), body);
  }

  /** The card or message a successful call created or named in its answer, for the call log. */
  private static void rememberIds(RoutingContext ctx, JsonNode data) {
    if (data == null) {
      return;
    }
    JsonNode cardId = data.get("card_id");
    if (cardId != null && cardId.isTextual() && ctx.get(Responder.CARD_ID) == null) {
      ctx.put(Responder.CARD_ID, cardId.asText());
    }
    JsonNode messageId = data.get("message_id");
    if (messageId != null && messageId.isTextual()) {
      ctx.put(MESSAGE_ID, messageId.asText());
    }
  }

  /** Sends a JSON body with the common headers; does nothing when the response was already sent. */
  public static void send(RoutingContext ctx, int status, ObjectNode body) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    JsonNode code = body.get("code");
    if (code != null && code.isInt()) {
      ctx.put(CODE, code.intValue());
    }
    response.setStatusCode(status).putHeader("Content-Type", CONTENT_TYPE).end(Json.write(body));
  }
}
