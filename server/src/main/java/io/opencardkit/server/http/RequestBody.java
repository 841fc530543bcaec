package io.opencardkit.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.ApiException;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * A request's JSON body with typed field access. Every problem is an {@link ApiException} with code
 * 10002 naming the field and what was wrong, so bad input never becomes a 5xx. Bytes that are not
 * UTF-8 and strings that are not valid Unicode are refused as a whole ({@link StrictText}).
 */
public final class RequestBody {
  private final ObjectNode node;

  private RequestBody(ObjectNode node) {
    this.node = node;
  }

  /**
   * Parses the body; a missing body counts as {@code {}} so that missing fields are reported by
   * name.
   */
  public static RequestBody of(RoutingContext ctx) {
    Buffer buffer = ctx.body() == null ? null : ctx.body().buffer();
    if (buffer == null || buffer.length() == 0) {
      return new RequestBody(Json.object());
    }
    JsonNode parsed = Json.parseOrNull(StrictText.utf8Body(buffer));
    if (parsed == null) {
      throw ApiException.of(ErrorCode.INVALID_PARAMETER, "request body is not JSON");
    }
    if (!parsed.isObject()) {
      throw ApiException.of(ErrorCode.INVALID_PARAMETER, "request body must be a JSON object");
    }
    StrictText.requireUnicode(parsed, null);
    return new RequestBody((ObjectNode) parsed);
  }

  public ObjectNode node() {
    return node;
  }

  /** A required string of {@code min..max} characters. */
  public String requiredString(String field, int min, int max) {
    String value = optionalString(field, min, max);
    if (value == null) {
      throw ApiException.of(ErrorCode.INVALID_PARAMETER, field + " is required");
    }
    return value;
  }

  /** An optional string of {@code min..max} characters, or {@code null} when absent. */
  public String optionalString(String field, int min, int max) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw ApiException.of(
          ErrorCode.INVALID_PARAMETER, field + " must be a string, got " + value.getNodeType());
    }
    String text = value.asText();
    if (text.length() < min || text.length() > max) {
      throw ApiException.of(
          ErrorCode.INVALID_PARAMETER,
          field + " must have " + min + ".." + max + " characters, has " + text.length());
    }
    return text;
  }

  /**
   * The required {@code sequence}: an integer in int32 range. Zero and negatives are let through,
   * so that the card state machine answers them with 300317 as Feishu does.
   */
  public int requiredSequence() {
    JsonNode value = node.get("sequence");
    if (value == null || value.isNull()) {
      throw ApiException.of(ErrorCode.INVALID_PARAMETER, "sequence is required");
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw ApiException.of(
          ErrorCode.INVALID_PARAMETER, "sequence must be an int32 integer, got " + value);
    }
    return value.intValue();
  }

  /** The optional idempotency {@code uuid} (1..64 characters, no control characters). */
  public String uuid() {
    return optionalKey("uuid", 1, 64);
  }

  /**
   * An optional string used as a key (an idempotency id): {@code min..max} characters, none of them
   * a control character. A key is stored and compared; PostgreSQL cannot store U+0000, and no
   * client means one by a control character, so such a key is refused as a bad parameter on every
   * store alike.
   */
  public String optionalKey(String field, int min, int max) {
    String value = optionalString(field, min, max);
    if (value != null && value.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
      throw ApiException.of(
          ErrorCode.INVALID_PARAMETER, field + " must not contain control characters");
    }
    return value;
  }

  /** An optional boolean. */
  public Boolean optionalBoolean(String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isBoolean()) {
      throw ApiException.of(ErrorCode.INVALID_PARAMETER, field + " must be a boolean");
    }
    return value.booleanValue();
  }

  /** A required JSON object field (not a string). */
  public ObjectNode requiredObject(String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isObject()) {
      throw ApiException.of(
          ErrorCode.INVALID_PARAMETER, field + " is required and must be an object");
    }
    return (ObjectNode) value;
  }

  /** The body without its uuid, serialized: what a replay must repeat exactly. */
  public String withoutUuid() {
    ObjectNode copy = node.deepCopy();
    copy.remove("uuid");
    return Json.write(copy);
  }
}
