package io.opencardkit.server.fuzz;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The IM side of the fuzzer: message ids, message bodies of every msg_type, and list queries. */
final class ImBodies {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private final FuzzValues v;
  private final CardGrammar grammar;
  private final FuzzWorld world;

  ImBodies(FuzzValues values, CardGrammar grammar, FuzzWorld world) {
    this.v = values;
    this.grammar = grammar;
    this.world = world;
  }

  /**
   * A message id: the target card's message, one the fuzzer sent, an unknown one, or an odd string.
   */
  String messageId() {
    int r = v.below(100);
    if (r < 40) return world.targetMessage;
    if (r < 80 && !world.messages.isEmpty()) return v.oneOf(world.messages);
    if (r < 90) return "om_" + "0".repeat(32);
    return v.oneOf(FuzzRequests.ODD_IDS);
  }

  /** msg_type, content and uuid of a message to send or reply with. */
  void message(ObjectNode body) {
    String type =
        v.chance(0.9)
            ? v.oneOf("text", "post", "interactive", "interactive")
            : v.oneOf("image", "", "INTERACTIVE");
    body.put("msg_type", type);
    switch (type) {
      case "text":
        body.put(
            "content",
            Json.write(
                Json.object()
                    .set("text", v.chance(0.9) ? NODES.textNode(v.string()) : v.anyJson(1))));
        break;
      case "post":
        {
          ObjectNode post = Json.object();
          ObjectNode zh = post.putObject("zh_cn").put("title", v.string());
          zh.putArray("content").addArray().addObject().put("tag", "text").put("text", v.string());
          body.put("content", Json.write(post));
          break;
        }
      default:
        body.put("content", cardContent());
    }
    int r = v.below(10);
    if (r < 3) {
      body.put("uuid", "m" + Long.toHexString(v.rnd.nextLong()));
    } else if (r < 4) {
      body.put("uuid", "m".repeat(51));
    }
  }

  /**
   * Interactive content: an inline card, a card entity reference, a template, a 1.0 card, or any
   * JSON.
   */
  String cardContent() {
    int r = v.below(10);
    if (r < 4) return Json.write(grammar.card(world.targetIds));
    if (r < 6) {
      String cardId =
          v.oneOf(
              world.targetCard,
              world.foreignCard,
              world.cards.isEmpty() ? "" : v.oneOf(world.cards),
              v.oneOf(FuzzRequests.ODD_IDS));
      ObjectNode ref = Json.object().put("type", "card");
      ref.putObject("data").set("card_id", v.chance(0.9) ? NODES.textNode(cardId) : v.anyJson(1));
      return Json.write(ref);
    }
    if (r < 7) return "{\"type\":\"template\",\"data\":{\"template_id\":\"AAq\"}}";
    if (r < 8)
      return "{\"config\":{\"wide_screen_mode\":true},\"elements\":[{\"tag\":\"div\",\"text\":{\"tag\":\"lark_md\",\"content\":\"1.0\"}}]}";
    return v.chance(0.5) ? Json.write(v.anyJson(3)) : v.almostJson();
  }

  /** The query string of a message list, with every parameter drawn from its edge cases. */
  String listQuery() {
    StringBuilder q = new StringBuilder("?");
    param(q, "container_id_type", v.chance(0.85) ? "chat" : v.oneOf("p2p", "", "CHAT"));
    param(q, "container_id", v.chance(0.8) ? world.chatId : v.oneOf(FuzzRequests.ODD_IDS));
    String[] times = {
      "0",
      "-1",
      "abc",
      "9999999999999999",
      "1700000000",
      Long.toString(Long.MAX_VALUE),
      "1.5",
      "9000000000000"
    };
    if (v.chance(0.4)) param(q, "start_time", v.oneOf(times));
    if (v.chance(0.4)) param(q, "end_time", v.oneOf(times));
    if (v.chance(0.3))
      param(q, "sort_type", v.oneOf("ByCreateTimeAsc", "ByCreateTimeDesc", "Random", ""));
    if (v.chance(0.5))
      param(q, "page_size", v.oneOf("", "0", "1", "50", "51", "-5", "4294967297", "x", "20"));
    if (v.chance(0.4)) {
      String token = v.oneOf("o1", "o-1", "o2147483647", "o99999999999", "x", "", "o");
      param(
          q,
          "page_token",
          v.chance(0.8)
              ? Base64.getUrlEncoder()
                  .withoutPadding()
                  .encodeToString(token.getBytes(StandardCharsets.US_ASCII))
              : "%%%");
    }
    return q.toString();
  }

  private static void param(StringBuilder q, String name, String value) {
    if (q.length() > 1) {
      q.append('&');
    }
    q.append(name).append('=').append(FuzzRequests.encode(value));
  }
}
