package io.opencardkit.server.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.Json;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded random values: JSON of every type, awkward numbers and strings, text that is almost JSON.
 */
final class FuzzValues {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final List<String> KEYS =
      List.of(
          "tag",
          "element_id",
          "content",
          "config",
          "body",
          "elements",
          "schema",
          "text",
          "value",
          "type",
          "data",
          "sequence",
          "uuid",
          "streaming_mode",
          "settings",
          "params",
          "action",
          "",
          " ",
          "__proto__",
          "键");

  final SplittableRandom rnd;

  FuzzValues(SplittableRandom rnd) {
    this.rnd = rnd;
  }

  int below(int bound) {
    return rnd.nextInt(bound);
  }

  boolean chance(double p) {
    return rnd.nextDouble() < p;
  }

  @SafeVarargs
  final <T> T oneOf(T... options) {
    return options[rnd.nextInt(options.length)];
  }

  <T> T oneOf(List<T> options) {
    return options.get(rnd.nextInt(options.size()));
  }

  /** Any JSON value, nested at most {@code depth} levels. */
  JsonNode anyJson(int depth) {
    int kind = below(depth <= 0 ? 5 : 8);
    switch (kind) {
      case 0:
        return NODES.nullNode();
      case 1:
        return NODES.booleanNode(rnd.nextBoolean());
      case 2:
        return number();
      case 3:
      case 4:
        return NODES.textNode(chance(0.3) ? almostJson() : string());
      case 5:
        return NODES.textNode(Json.write(anyJson(depth - 1))); // JSON nested in a JSON string
      case 6:
        {
          ArrayNode array = NODES.arrayNode();
          for (int i = below(4); i > 0; i--) {
            array.add(anyJson(depth - 1));
          }
          return array;
        }
      default:
        {
          ObjectNode object = NODES.objectNode();
          for (int i = below(4); i > 0; i--) {
            object.set(oneOf(KEYS), anyJson(depth - 1));
          }
          return object;
        }
    }
  }

  /**
   * Numbers around the edges of int32, int64 and double, and fractions where integers are expected.
   */
  JsonNode number() {
    switch (below(14)) {
      case 0:
        return NODES.numberNode(0);
      case 1:
        return NODES.numberNode(-1);
      case 2:
        return NODES.numberNode(1);
      case 3:
        return NODES.numberNode(Integer.MAX_VALUE);
      case 4:
        return NODES.numberNode(Integer.MIN_VALUE);
      case 5:
        return NODES.numberNode(Integer.MAX_VALUE + 1L);
      case 6:
        return NODES.numberNode(Long.MAX_VALUE);
      case 7:
        return NODES.numberNode(Long.MIN_VALUE);
      case 8:
        return NODES.numberNode(new BigInteger("123456789012345678901234567890"));
      case 9:
        return NODES.numberNode(1.5);
      case 10:
        return NODES.numberNode(-0.0);
      case 11:
        return NODES.numberNode(1e308);
      case 12:
        return NODES.numberNode(new BigDecimal("1E+400"));
      default:
        return NODES.numberNode(rnd.nextInt());
    }
  }

  /** Short, empty, blank, unicode, control, lone-surrogate and long strings. */
  String string() {
    switch (below(16)) {
      case 0:
        return "";
      case 1:
        return " ";
      case 2:
        return "a";
      case 3:
        return "中文内容 ✓";
      case 4:
        return "😀👍🏽";
      case 5:
        return "\u0000\u0001\u001f";
      case 6:
        return "\ud800";
      case 7:
        return "x\udc00y";
      case 8:
        return "line\nbreak\r\n\ttab";
      case 9:
        return "<script>alert(1)</script>";
      case 10:
        return "../../etc/passwd%00";
      case 11:
        return "null";
      case 12:
        return "x".repeat(1 + below(3000));
      case 13:
        return "é".repeat(1 + below(12_000)); // two UTF-8 bytes each
      case 14:
        return Integer.toString(rnd.nextInt());
      default:
        return "s" + Long.toHexString(rnd.nextLong());
    }
  }

  /** Text that is not quite JSON, or JSON of an unexpected shape. */
  String almostJson() {
    switch (below(20)) {
      case 0:
        return "{";
      case 1:
        return "[";
      case 2:
        return "{\"a\":}";
      case 3:
        return "{'a':1}";
      case 4:
        return "[1,2,]";
      case 5:
        return "{\"schema\":\"2.0\"";
      case 6:
        return "nul";
      case 7:
        return "tru";
      case 8:
        return "{} trailing";
      case 9:
        return "\"just a string\"";
      case 10:
        return "[]";
      case 11:
        return "{}";
      case 12:
        return "1e999999";
      case 13:
        return "[".repeat(300) + "]".repeat(300);
      case 14:
        return "{\"a\":1,\"a\":2}";
      case 15:
        return "\uFEFF{}";
      case 16:
        return "{\"x\":" + "9".repeat(2000) + "}";
      case 17:
        return "/* comment */ {}";
      case 18:
        return "NaN";
      default:
        return "{\"a\":[" + "{\"b\":".repeat(150) + "1" + "}".repeat(150) + "]}";
    }
  }

  /** An element id: mostly valid, sometimes malformed or of the wrong type. */
  JsonNode elementIdNode() {
    if (chance(0.85)) {
      return NODES.textNode(validId());
    }
    switch (below(7)) {
      case 0:
        return NODES.textNode("1abc");
      case 1:
        return NODES.textNode("");
      case 2:
        return NODES.textNode("a-b");
      case 3:
        return NODES.textNode("a".repeat(21));
      case 4:
        return NODES.textNode("元素");
      case 5:
        return NODES.numberNode(12);
      default:
        return NODES.nullNode();
    }
  }

  /** A fresh, valid element id. */
  String validId() {
    return "f" + Integer.toString(rnd.nextInt(1 << 30), 36);
  }
}
