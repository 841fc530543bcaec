package io.opencardkit.server.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.core.Json;
import io.opencardkit.server.fuzz.FuzzClient.Reply;
import io.opencardkit.server.fuzz.FuzzClient.Request;
import io.opencardkit.server.fuzz.FuzzRequests.Endpoint;
import io.opencardkit.server.fuzz.FuzzRequests.FuzzCase;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Runs seeded random requests against a server and checks after each one:
 *
 * <ul>
 *   <li>the HTTP status is below 500 and the body is a JSON object with an integer {@code code};
 *   <li>unless the call was an accepted change of the target card, the target card is exactly as
 *       before, read through {@code GET im/v1/messages/:id}, and so is its sequence high-water
 *       mark;
 *   <li>an accepted change carried a valid sequence above the high-water mark, which it becomes, or
 *       was a replay (same uuid, same request) that changed nothing;
 *   <li>no change by another bot, nor to another bot's card, is ever accepted.
 * </ul>
 *
 * <p>The high-water mark is probed without changing anything: a content update of an element that
 * does not exist is refused with 300317 when its sequence is not above the mark, and with 300313
 * when it is.
 */
final class FuzzSession {
  static final String PROBE_ELEMENT =
      "zzProbeAbsent"; // valid, and never generated: the fuzzer's ids start with f
  private static final int TRACE = 6;

  /**
   * The card the fuzzer aims at: streaming (so no rate limit), with containers, text objects and
   * callback data.
   */
  static final String TARGET_CARD =
      "{\"schema\":\"2.0\",\"config\":{\"streaming_mode\":true,\"summary\":{\"content\":\"\"}},"
          + "\"header\":{\"title\":{\"tag\":\"plain_text\",\"content\":\"Fuzz target\",\"element_id\":\"title_el\"}},"
          + "\"body\":{\"elements\":["
          + "{\"tag\":\"markdown\",\"element_id\":\"md_main\",\"content\":\"Hello\"},"
          + "{\"tag\":\"column_set\",\"element_id\":\"cs_1\",\"columns\":[{\"tag\":\"column\",\"element_id\":\"col_1\","
          + "\"elements\":[{\"tag\":\"markdown\",\"element_id\":\"md_col\",\"content\":\"in a column\"}]}]},"
          + "{\"tag\":\"form\",\"element_id\":\"form_1\",\"name\":\"form_1\",\"elements\":[{\"tag\":\"input\",\"element_id\":\"in_1\"},"
          + "{\"tag\":\"button\",\"element_id\":\"btn_1\",\"text\":{\"tag\":\"plain_text\",\"content\":\"Submit\"}}]},"
          + "{\"tag\":\"collapsible_panel\",\"element_id\":\"cp_1\",\"elements\":[{\"tag\":\"markdown\",\"element_id\":\"md_cp\",\"content\":\"folded\"}]},"
          + "{\"tag\":\"hr\",\"element_id\":\"hr_1\"},"
          + "{\"tag\":\"button\",\"element_id\":\"btn_2\",\"text\":{\"tag\":\"plain_text\",\"content\":\"Go\"},\"value\":{\"element_id\":\"val_1\",\"tag\":\"markdown\"}}"
          + "]}}";

  /** What a run exercised. */
  record Stats(int cases, int acceptedTargetChanges, int refusals, int targets) {}

  private final long seed;
  private final FuzzClient bot;
  private final FuzzClient other;
  private final FuzzWorld world;
  private final FuzzValues values;
  private final FuzzRequests requests;
  private final ArrayDeque<String> trace = new ArrayDeque<>();
  private String expectedCard; // the target card as the server must show it
  private int accepted;
  private int refusals;
  private int targets;

  FuzzSession(long seed, FuzzClient bot, FuzzClient other, FuzzWorld world) {
    this.seed = seed;
    this.bot = bot;
    this.other = other;
    this.world = world;
    this.values = new FuzzValues(new SplittableRandom(seed));
    this.requests = new FuzzRequests(values, world);
  }

  Stats run(int cases, List<Endpoint> endpoints) {
    newTarget();
    for (int i = 0; i < cases; i++) {
      FuzzCase c = requests.next(values.oneOf(endpoints));
      Reply reply = (c.asOther() ? other : bot).send(c.request());
      check(i, c, reply);
      trace.addLast(
          "#"
              + i
              + " "
              + who(c)
              + shorten(c.request().describe(), 600)
              + " -> "
              + shorten(reply.toString(), 300));
      if (trace.size() > TRACE) {
        trace.removeFirst();
      }
    }
    finish();
    return new Stats(cases, accepted, refusals, targets);
  }

  /** After all the bad input, the next valid sequence is still accepted and shows. */
  private void finish() {
    String settings =
        Json.write(
            Json.object()
                .set(
                    "config",
                    Json.object().set("summary", Json.object().put("content", "fuzz done"))));
    String body =
        Json.write(Json.object().put("settings", settings).put("sequence", world.hwm + 1));
    Reply reply =
        bot.send(
            Request.json("PATCH", FuzzRequests.CARDS + "/" + world.targetCard + "/settings", body));
    JsonNode card = Json.parseOrNull(readTarget());
    if (reply.code() != 0
        || !"fuzz done".equals(card.path("config").path("summary").path("content").asText())) {
      throw new AssertionError(
          "seed "
              + seed
              + ": a valid change at sequence "
              + (world.hwm + 1)
              + " after the run was not applied: "
              + reply
              + "; card: "
              + shorten(Json.write(card), 3000));
    }
  }

  private void check(int i, FuzzCase c, Reply reply) {
    if (reply.status() >= 500) {
      fail(i, c, reply, "HTTP status " + reply.status());
    }
    if (reply.json() == null || !reply.json().isObject() || reply.code() == Integer.MIN_VALUE) {
      fail(i, c, reply, "the body is not a JSON object with an integer code");
    }
    int code = reply.code();
    if (code == 0) {
      remember(c, reply.json().path("data"));
    } else {
      refusals++;
    }
    boolean touchesTarget =
        !"GET".equals(c.request().method())
            && c.request().pathAndQuery().contains(world.targetCard);
    if (code == 0
        && c.endpoint().cardMutation
        && world.foreignCard.equals(c.cardId())
        && !c.asOther()) {
      fail(i, c, reply, "a change to another bot's card was accepted");
    }
    if (code == 0 && touchesTarget && c.asOther()) {
      fail(i, c, reply, "another bot's change to the target card was accepted");
    }
    String now = readTarget();
    if (code == 0 && touchesTarget) {
      Integer sequence = c.sequence();
      if (sequence == null) {
        fail(i, c, reply, "a change was accepted without a valid int32 sequence");
      }
      if (sequence <= world.hwm) {
        // Only a replay (same uuid, same request) succeeds at or below the mark, and it changes
        // nothing.
        expectUnchanged(
            i, c, reply, now, "a replay accepted at sequence " + sequence + " changed the card");
      } else {
        accepted++;
        world.hwm = sequence;
        expectedCard = now;
        world.targetIds = elementIds(now);
      }
    } else {
      expectUnchanged(
          i, c, reply, now, "the target card changed although the call got code " + code);
    }
    if (touchesTarget) {
      if (!usable()) {
        // streaming closed (now rate-limited), near the size limit, or out of sequences
        newTarget();
        return;
      }
      probeHighWaterMark(i, c, reply);
    }
  }

  private void probeHighWaterMark(int i, FuzzCase c, Reply reply) {
    int atMark = probe(world.hwm);
    int aboveMark = probe(world.hwm + 1);
    if (atMark != 300317 || aboveMark != 300313) {
      fail(
          i,
          c,
          reply,
          "the stored sequence high-water mark is not "
              + world.hwm
              + ": a probe at it got "
              + atMark
              + " (expected 300317), a probe above it got "
              + aboveMark
              + " (expected 300313)");
    }
  }

  private int probe(int sequence) {
    String body = Json.write(Json.object().put("content", "probe").put("sequence", sequence));
    return bot.send(
            Request.json(
                "PUT",
                FuzzRequests.CARDS
                    + "/"
                    + world.targetCard
                    + "/elements/"
                    + PROBE_ELEMENT
                    + "/content",
                body))
        .code();
  }

  private void expectUnchanged(int i, FuzzCase c, Reply reply, String now, String problem) {
    if (!now.equals(expectedCard)) {
      fail(i, c, reply, problem + "; it now is: " + shorten(now, 3000));
    }
  }

  private boolean usable() {
    JsonNode card = Json.parseOrNull(expectedCard);
    JsonNode streaming = card == null ? null : card.path("config").get("streaming_mode");
    return streaming != null
        && streaming.isBoolean()
        && streaming.booleanValue()
        && !expectedCard.contains(PROBE_ELEMENT)
        && world.hwm < Integer.MAX_VALUE - 2_000
        && expectedCard.length() < 20_000;
  }

  /** Keeps ids of what the fuzzer itself created, so later cases can refer to them. */
  private void remember(FuzzCase c, JsonNode data) {
    if (c.endpoint() == Endpoint.CREATE
        && data.path("card_id").isTextual()
        && world.cards.size() < 50) {
      world.cards.add(data.get("card_id").asText());
    }
    if ((c.endpoint() == Endpoint.IM_SEND || c.endpoint() == Endpoint.IM_REPLY)
        && data.path("message_id").isTextual()
        && world.messages.size() < 50) {
      world.messages.add(data.get("message_id").asText());
    }
  }

  private void newTarget() {
    String create = Json.write(Json.object().put("type", "card_json").put("data", TARGET_CARD));
    world.targetCard =
        bot.ok(Request.json("POST", FuzzRequests.CARDS, create)).path("card_id").asText();
    String content =
        Json.write(
            Json.object()
                .put("type", "card")
                .set("data", Json.object().put("card_id", world.targetCard)));
    String message =
        Json.write(
            Json.object()
                .put("receive_id", world.chatId)
                .put("msg_type", "interactive")
                .put("content", content));
    world.targetMessage =
        bot.ok(Request.json("POST", FuzzRequests.MESSAGES + "?receive_id_type=chat_id", message))
            .path("message_id")
            .asText();
    world.hwm = 0;
    world.uuids.clear();
    expectedCard = readTarget();
    world.targetIds = elementIds(expectedCard);
    targets++;
  }

  private String readTarget() {
    JsonNode data = bot.ok(Request.get(FuzzRequests.MESSAGES + "/" + world.targetMessage));
    return data.path("items").path(0).path("body").path("content").asText();
  }

  /** Every element id in a card, in document order. */
  private static List<String> elementIds(String cardJson) {
    List<String> ids = new ArrayList<>();
    collectIds(Json.parseOrNull(cardJson), ids);
    return ids;
  }

  private static void collectIds(JsonNode node, List<String> ids) {
    if (node == null) {
      return;
    }
    if (node.isObject() && node.path("element_id").isTextual()) {
      ids.add(node.get("element_id").asText());
    }
    for (Iterator<Map.Entry<String, JsonNode>> it =
            node.isObject() ? node.fields() : java.util.Collections.emptyIterator();
        it.hasNext(); ) {
      collectIds(it.next().getValue(), ids);
    }
    if (node.isArray()) {
      node.forEach(child -> collectIds(child, ids));
    }
  }

  private void fail(int i, FuzzCase c, Reply reply, String problem) {
    StringBuilder message = new StringBuilder();
    message.append("fuzz property violated: ").append(problem).append('\n');
    message
        .append("  seed ")
        .append(seed)
        .append(", case #")
        .append(i)
        .append(" (rerun only this seed with -Dokc.fuzz.seed=")
        .append(seed)
        .append(")\n");
    message.append("  request: ").append(who(c)).append(c.request().describe()).append('\n');
    message.append("  reply:   ").append(reply).append('\n');
    message
        .append("  target card ")
        .append(world.targetCard)
        .append(" (message ")
        .append(world.targetMessage)
        .append("), expected high-water mark ")
        .append(world.hwm)
        .append('\n');
    message.append("  expected card: ").append(shorten(expectedCard, 3000)).append('\n');
    message.append("  cases before it:\n");
    trace.forEach(t -> message.append("    ").append(t).append('\n'));
    throw new AssertionError(message.toString());
  }

  private static String who(FuzzCase c) {
    return c.asOther() ? "(as the other bot) " : "";
  }

  private static String shorten(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "…(" + s.length() + " chars)";
  }
}
