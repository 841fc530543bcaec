package io.opencardkit.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.server.ServerConfig;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.testkit.PageSocket;
import io.opencardkit.server.testkit.TestServer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class ViewerAccessTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void p2pChatOfAlice_isNeverSeenByBob() throws Exception {
    try (TestServer server = TestServer.start();
        PageSocket alice = PageSocket.open(server.baseUrl(), "user=" + server.seed.alice, false);
        PageSocket bob = PageSocket.open(server.baseUrl(), "user=" + server.seed.bob, false)) {
      BotCalls bot = new BotCalls(server);
      WebClient web = new WebClient(server.baseUrl());
      String aliceP2p = Directory.p2pChatId(server.seed.appId, server.seed.alice);
      String cardId = bot.createCard(BotCalls.STREAMING_CARD);
      bot.sendCard("open_id", server.seed.alice, cardId);
      alice.resume(
          "{\""
              + cardId
              + "\":"
              + web.loadedVersion(aliceP2p, "user=" + server.seed.alice, cardId)
              + "}");
      // Bob asks for Alice's card by id, as a curious page could.
      bob.resume("{\"" + cardId + "\":0}");
      bot.contentOk(cardId, "for Alice only", 1);
      alice.await(
          f -> cardId.equals(f.path("card_id").asText()) && "append".equals(f.path("op").asText()),
          WAIT,
          "append");
      bot.sendText(server.seed.chatId, "hello group");
      // The hub handles events in commit order, so once Bob has the later group message he would
      // have had the rest.
      bob.await(f -> "message".equals(f.path("type").asText()), WAIT, "group message");

      assertThat(bob.frames())
          .noneMatch(f -> f.toString().contains(aliceP2p) || f.toString().contains(cardId));
      assertThat(web.get("/web/api/chats?user=" + server.seed.bob).body())
          .extracting(c -> c.get("chat_id").asText())
          .doesNotContain(aliceP2p)
          .contains(server.seed.chatId);
      assertThat(
              web.get("/web/api/chats/" + aliceP2p + "/messages?user=" + server.seed.bob).status())
          .isEqualTo(403);
      assertThat(
              web.get("/web/api/cards/" + cardId + "/inspector?user=" + server.seed.bob).status())
          .isEqualTo(403);
      WebClient.Reply post =
          web.post(
              "/web/api/chats/" + aliceP2p + "/messages?user=" + server.seed.bob,
              "{\"text\":\"hi\"}");
      assertThat(post.status()).isEqualTo(403);
      assertThat(post.body().get("code").asInt()).isEqualTo(403);
      // Alice does see her chat and its card.
      assertThat(web.get("/web/api/chats?user=" + server.seed.alice).body())
          .extracting(c -> c.get("chat_id").asText())
          .contains(aliceP2p);
      assertThat(
              web.get("/web/api/cards/" + cardId + "/inspector?user=" + server.seed.alice).status())
          .isEqualTo(200);
    }
  }

  @Test
  void tokenMode_theTokenSignsInOnceThroughTheFormOrAHeader_neverThroughTheUrl() throws Exception {
    try (TestServer server =
        TestServer.start(
            Clock.systemUTC(),
            Duration.ofMinutes(10),
            c -> c.withWebAuth(ServerConfig.WebAuth.TOKEN))) {
      WebClient web = new WebClient(server.baseUrl());
      String alice = "user=" + server.seed.alice;

      // A token in a URL signs nobody in: URLs end up in logs and browser histories.
      assertThat(web.get("/web/api/session?" + alice + "&token=" + server.seed.aliceToken).status())
          .isEqualTo(401);
      assertThat(web.get("/web/api/chats?" + alice).status()).isEqualTo(401);
      assertThat(
              PageSocket.refusedStatus(
                  server.baseUrl(), alice + "&token=" + server.seed.aliceToken))
          .isEqualTo(401);
      assertThat(web.post("/web/auth/token", signInBody(server.seed.alice, "wrong")).status())
          .isEqualTo(401);
      assertThat(
              web.post("/web/auth/token", signInBody(server.seed.alice, server.seed.bobToken))
                  .status())
          .isEqualTo(401);

      WebClient.Reply signedIn =
          web.post("/web/auth/token", signInBody(server.seed.alice, server.seed.aliceToken));
      assertThat(signedIn.status()).isEqualTo(200);
      String setCookie = signedIn.raw().headers().firstValue("Set-Cookie").orElseThrow();
      // Attribute names are case-insensitive (Netty writes HTTPOnly).
      assertThat(setCookie.toLowerCase(java.util.Locale.ROOT))
          .startsWith("okc_session=")
          .contains("; httponly", "; samesite=lax", "; path=/", "; max-age=43200")
          .doesNotContain("; secure"); // plain HTTP here
      assertThat(setCookie).doesNotContain(server.seed.aliceToken);
      String cookie = setCookie.substring(0, setCookie.indexOf(';'));

      WebClient.Reply session = web.get("/web/api/session", "Cookie", cookie);
      assertThat(session.status()).isEqualTo(200);
      assertThat(session.body().get("mode").asText()).isEqualTo("production");
      assertThat(session.body().get("sign_in").asText()).isEqualTo("token");
      assertThat(session.body().get("user").get("name").asText()).isEqualTo("Alice");
      assertThat(web.get("/web/api/users", "Cookie", cookie).status()).isEqualTo(403);
      // ?user= names nobody in a production mode: the session does.
      assertThat(
              web.get("/web/api/session?user=" + server.seed.bob, "Cookie", cookie)
                  .body()
                  .get("user")
                  .get("name")
                  .asText())
          .isEqualTo("Alice");
      try (PageSocket socket =
          PageSocket.open(server.baseUrl(), "", false, Map.of("Cookie", cookie))) {
        JsonNode hello = socket.await(f -> "hello".equals(f.path("type").asText()), WAIT, "hello");
        assertThat(hello.get("user").asText()).isEqualTo(server.seed.alice);
      }
      // Programs may send the token in a header instead.
      assertThat(
              web.get("/web/api/session", "Authorization", "Bearer " + server.seed.bobToken)
                  .body()
                  .get("user")
                  .get("name")
                  .asText())
          .isEqualTo("Bob");
      assertThat(web.get("/web/api/session", "Authorization", "Bearer wrong").status())
          .isEqualTo(401);
      assertThat(web.get("/web/api/session", "Cookie", cookie + "x").status()).isEqualTo(401);
    }
  }

  private static String signInBody(String openId, String token) {
    return "{\"user\":\"" + openId + "\",\"token\":\"" + token + "\"}";
  }

  @Test
  void developmentMode_userPickerAndUnknownUser() throws Exception {
    try (TestServer server = TestServer.start()) {
      WebClient web = new WebClient(server.baseUrl());

      assertThat(web.get("/web/api/users").body())
          .extracting(u -> u.get("name").asText())
          .containsExactly("Alice", "Bob");
      assertThat(web.get("/web/api/session?user=" + server.seed.alice).body().get("mode").asText())
          .isEqualTo("development");
      WebClient.Reply unknown = web.get("/web/api/session?user=ou_nobody");
      assertThat(unknown.status()).isEqualTo(401);
      assertThat(unknown.body().get("code").asInt()).isEqualTo(401);
      assertThat(PageSocket.refusedStatus(server.baseUrl(), "user=ou_nobody")).isEqualTo(401);
    }
  }
}
