package io.opencardkit.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.core.Json;
import io.opencardkit.server.fuzz.FuzzClient.Request;
import io.opencardkit.server.fuzz.FuzzRequests.Endpoint;
import io.opencardkit.server.testkit.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Deterministic, seeded fuzzing of every CardKit and IM endpoint with bad input: random JSON, wrong
 * types, missing fields, edge numbers, almost-JSON, nested JSON strings, mutated card JSON built
 * from the real tags, random element ids and actions, raw bytes. See {@link FuzzSession} for the
 * properties checked after every request.
 *
 * <p>A failure names its seed and request; {@code -Dokc.fuzz.seed=N} reruns every test with that
 * seed only. (jqwik is deliberately not used: its engine asks AI agents not to use it.)
 */
final class BadInputFuzzTest {
  private static final List<Endpoint> MUTATIONS =
      List.of(
          Endpoint.SETTINGS,
          Endpoint.REPLACE,
          Endpoint.BATCH,
          Endpoint.ADD_ELEMENTS,
          Endpoint.UPDATE_ELEMENT,
          Endpoint.PATCH_ELEMENT,
          Endpoint.CONTENT,
          Endpoint.DELETE_ELEMENT);
  private static final List<Endpoint> IM_AND_CREATION =
      List.of(
          Endpoint.CREATE,
          Endpoint.ID_CONVERT,
          Endpoint.IM_SEND,
          Endpoint.IM_LIST,
          Endpoint.IM_REPLY,
          Endpoint.IM_GET,
          Endpoint.IM_PATCH,
          Endpoint.TOKEN);

  private static TestServer server;
  private static FuzzClient bot;
  private static FuzzClient otherBot;
  private static String foreignCard;

  @BeforeAll
  static void startServer() {
    server = TestServer.start();
    bot = FuzzClient.login(server.baseUrl(), server.seed.appId, server.seed.appSecret);
    otherBot =
        FuzzClient.login(server.baseUrl(), server.seed.otherAppId, server.seed.otherAppSecret);
    String create =
        Json.write(Json.object().put("type", "card_json").put("data", FuzzSession.TARGET_CARD));
    foreignCard =
        otherBot.ok(Request.json("POST", FuzzRequests.CARDS, create)).path("card_id").asText();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Test
  void cardKitMutations_fuzzedBodies_neverFailAndChangeNothingWhenRefused() {
    for (long seed : seeds(1001, 1002, 1003)) {
      FuzzSession.Stats stats = session(seed).run(600, MUTATIONS);
      // The generator must reach acceptance as well as refusal, or the state checks prove little.
      assertThat(stats.acceptedTargetChanges())
          .as("accepted changes, seed %d: %s", seed, stats)
          .isGreaterThan(30);
      assertThat(stats.refusals()).as("refusals, seed %d: %s", seed, stats).isGreaterThan(200);
    }
  }

  @Test
  void imAndCreation_fuzzedBodies_neverFailAndLeaveTheTargetCardAlone() {
    for (long seed : seeds(2001, 2002)) {
      FuzzSession.Stats stats = session(seed).run(500, IM_AND_CREATION);
      assertThat(stats.refusals()).as("refusals, seed %d: %s", seed, stats).isGreaterThan(100);
    }
  }

  @Test
  void everyEndpoint_mixedFuzzedBodies_neverFailAndChangeNothingWhenRefused() {
    List<Endpoint> all = Arrays.asList(Endpoint.values());
    for (long seed : seeds(3001)) {
      session(seed).run(600, all);
    }
  }

  /**
   * Found by this fuzzer (seed 1001): a form Content-Type with a field over Netty's 8 KB form limit
   * was a 500.
   */
  @Test
  void formContentType_fieldOverFormLimit_isRefusedWith10002NotA500() {
    String body =
        Json.write(Json.object().put("type", "card_json").put("data", "x".repeat(20_000)));
    for (String type :
        List.of("application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz")) {
      assertRefusedAsBadInput("POST", FuzzRequests.CARDS, type, body, false);
      assertRefusedAsBadInput("POST", FuzzRequests.CARDS, type, body, true);
    }
  }

  /**
   * Found by this fuzzer (seeds 117, 121, 135, over HTTP/1.1): a urlencoded body with a bad
   * percent-escape was a 500.
   */
  @Test
  void urlEncodedContentType_badPercentEscape_isRefusedWith10002NotA500() {
    // What `curl -d` sends for a JSON body that contains a percent sign.
    String body = Json.write(Json.object().put("content", "100%").put("sequence", 1));
    String path = FuzzRequests.CARDS + "/7000000000000000000/elements/md_1/content";
    assertRefusedAsBadInput("PUT", path, "application/x-www-form-urlencoded", body, false);
  }

  private static void assertRefusedAsBadInput(
      String method, String path, String contentType, String body, boolean http2) {
    FuzzClient.Reply reply =
        bot.send(
            new Request(method, path, contentType, body.getBytes(StandardCharsets.UTF_8), http2));
    assertThat(reply.status()).as("%s, HTTP/2 %s: %s", contentType, http2, reply).isEqualTo(400);
    assertThat(reply.code()).as("%s, HTTP/2 %s: %s", contentType, http2, reply).isEqualTo(10002);
  }

  private static FuzzSession session(long seed) {
    FuzzWorld world = new FuzzWorld();
    world.appId = server.seed.appId;
    world.appSecret = server.seed.appSecret;
    world.chatId = server.seed.chatId;
    world.alice = server.seed.alice;
    world.foreignCard = foreignCard;
    return new FuzzSession(seed, bot, otherBot, world);
  }

  /**
   * The test's own seeds, or only the one given with {@code -Dokc.fuzz.seed} to reproduce a
   * failure.
   */
  private static long[] seeds(long... defaults) {
    String override = System.getProperty("okc.fuzz.seed");
    return override == null || override.isBlank()
        ? defaults
        : new long[] {Long.parseLong(override.trim())};
  }
}
