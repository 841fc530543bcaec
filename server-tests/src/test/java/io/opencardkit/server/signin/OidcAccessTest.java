package io.opencardkit.server.signin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.testkit.PageSocket;
import io.opencardkit.server.testkit.TestIdentityProvider;
import io.opencardkit.server.testkit.TestServer;
import io.opencardkit.server.web.BotCalls;
import io.opencardkit.server.web.WebClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The authorization probes of ViewerAccessTest, with viewers signed in by the identity provider
 * instead of ?user=.
 */
final class OidcAccessTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void p2pChatOfAlice_isNeverSeenByBob_andBobCannotActAsAliceByNamingHer() throws Exception {
    try (TestIdentityProvider idp = TestIdentityProvider.start();
        TestServer server =
            TestServer.start(
                Clock.systemUTC(), Duration.ofMinutes(10), c -> idp.configure(c, false))) {
      String alice = signIn(idp, server, "sub-alice", server.seed.aliceEmail);
      String bob = signIn(idp, server, "sub-bob", server.seed.bobEmail);
      WebClient web = new WebClient(server.baseUrl());
      BotCalls bot = new BotCalls(server);
      String aliceP2p = Directory.p2pChatId(server.seed.appId, server.seed.alice);
      String cardId = bot.createCard(BotCalls.STREAMING_CARD);
      bot.sendCard("open_id", server.seed.alice, cardId);

      try (PageSocket aliceSocket =
              PageSocket.open(server.baseUrl(), "", false, Map.of("Cookie", alice));
          // Bob's page names Alice in the query, as the development mode's pages do: the session
          // decides, not the URL.
          PageSocket bobSocket =
              PageSocket.open(
                  server.baseUrl(), "user=" + server.seed.alice, false, Map.of("Cookie", bob))) {
        assertThat(
                bobSocket
                    .await(f -> "hello".equals(f.path("type").asText()), WAIT, "hello")
                    .get("user")
                    .asText())
            .isEqualTo(server.seed.bob);
        aliceSocket.resumeAndAwait(cardId, loadedVersion(web, aliceP2p, alice, cardId));
        bobSocket.resume(
            "{\"" + cardId + "\":0}"); // Bob asks for Alice's card by id, as a curious page could
        bot.contentOk(cardId, "for Alice only", 1);
        aliceSocket.await(
            f ->
                cardId.equals(f.path("card_id").asText()) && "append".equals(f.path("op").asText()),
            WAIT,
            "append");
        bot.sendText(server.seed.chatId, "hello group");
        bobSocket.await(f -> "message".equals(f.path("type").asText()), WAIT, "group message");
        assertThat(bobSocket.frames())
            .noneMatch(f -> f.toString().contains(aliceP2p) || f.toString().contains(cardId));
      }

      String asAlice = "?user=" + server.seed.alice; // ignored in this mode
      assertThat(web.get("/web/api/chats" + asAlice, "Cookie", bob).body())
          .extracting(c -> c.get("chat_id").asText())
          .doesNotContain(aliceP2p)
          .contains(server.seed.chatId);
      assertThat(
              web.get("/web/api/chats/" + aliceP2p + "/messages" + asAlice, "Cookie", bob).status())
          .isEqualTo(403);
      assertThat(
              web.get("/web/api/cards/" + cardId + "/inspector" + asAlice, "Cookie", bob).status())
          .isEqualTo(403);
      assertThat(
              web.post(
                      "/web/api/chats/" + aliceP2p + "/messages" + asAlice,
                      "{\"text\":\"hi\"}",
                      "Cookie",
                      bob)
                  .status())
          .isEqualTo(403);
      String aliceMessage =
          web.get("/web/api/chats/" + aliceP2p + "/messages", "Cookie", alice)
              .body()
              .get(0)
              .get("message_id")
              .asText();
      assertThat(
              web.post(
                      "/web/api/messages/" + aliceMessage + "/actions",
                      "{\"tag\":\"button\"}",
                      "Cookie",
                      bob)
                  .status())
          .isEqualTo(403);
      assertThat(
              web.post(
                      "/web/api/messages/" + aliceMessage + "/forward",
                      "{\"chat_id\":\"" + server.seed.chatId + "\"}",
                      "Cookie",
                      bob)
                  .status())
          .isEqualTo(403);
      assertThat(web.get("/web/api/users", "Cookie", bob).status()).isEqualTo(403);
      // Without a session nothing is served, whatever the URL says.
      assertThat(web.get("/web/api/chats" + asAlice).status()).isEqualTo(401);
      assertThat(PageSocket.refusedStatus(server.baseUrl(), "user=" + server.seed.alice))
          .isEqualTo(401);
      // Alice does see her chat and its card.
      assertThat(web.get("/web/api/chats", "Cookie", alice).body())
          .extracting(c -> c.get("chat_id").asText())
          .contains(aliceP2p);
      assertThat(web.get("/web/api/cards/" + cardId + "/inspector", "Cookie", alice).status())
          .isEqualTo(200);
    }
  }

  private static String signIn(
      TestIdentityProvider idp, TestServer server, String subject, String email) throws Exception {
    idp.nextSignIn(subject, Map.of("email", email));
    SignInClient browser = new SignInClient();
    assertThat(browser.signIn(server.baseUrl(), "/").status()).isEqualTo(302);
    return browser.sessionCookie(server.baseUrl());
  }

  private static long loadedVersion(WebClient web, String chatId, String cookie, String cardId)
      throws Exception {
    for (JsonNode m : web.get("/web/api/chats/" + chatId + "/messages", "Cookie", cookie).body()) {
      if (cardId.equals(m.path("card").path("card_id").asText())) {
        return m.path("card").path("version").asLong();
      }
    }
    throw new AssertionError("no message of " + chatId + " shows card " + cardId);
  }
}
