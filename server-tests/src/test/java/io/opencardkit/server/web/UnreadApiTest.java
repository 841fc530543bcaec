package io.opencardkit.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.core.Json;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.testkit.MutableClock;
import io.opencardkit.server.testkit.PageSocket;
import io.opencardkit.server.testkit.TestCluster;
import io.opencardkit.server.testkit.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Unread counts and read marks over the web API: per user, from the store, the same after a restart
 * and on every node.
 */
final class UnreadApiTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final MutableClock clock = MutableClock.startingNow();
  private final TestServer server = TestServer.start(clock, Duration.ofMinutes(10));
  private final BotCalls bot = new BotCalls(server);
  private WebClient web = new WebClient(server.baseUrl());
  private final String alice = "user=" + server.seed.alice;
  private final String general = server.seed.chatId;

  @AfterEach
  void stop() {
    server.close();
  }

  /** One millisecond between messages, so that the chat's order is their sending order. */
  private String botSays(String text) throws Exception {
    clock.advance(Duration.ofMillis(1));
    return bot.sendText(general, text);
  }

  private String says(String openId, String text) throws Exception {
    clock.advance(Duration.ofMillis(1));
    WebClient.Reply reply =
        web.post(
            "/web/api/chats/" + general + "/messages?user=" + openId,
            Json.write(Json.object().put("text", text)));
    assertThat(reply.status()).as("post %s", reply.body()).isEqualTo(200);
    return reply.body().get("message_id").asText();
  }

  private JsonNode unreadOf(String chatId) throws Exception {
    WebClient.Reply reply = web.get("/web/api/unread?" + alice);
    assertThat(reply.status()).isEqualTo(200);
    for (JsonNode chat : reply.body()) {
      if (chat.get("chat_id").asText().equals(chatId)) {
        return chat;
      }
    }
    throw new AssertionError("no entry for " + chatId + ": " + reply.body());
  }

  private WebClient.Reply markRead(String messageId) throws Exception {
    return web.post(
        "/web/api/chats/" + general + "/read?" + alice, "{\"message_id\":\"" + messageId + "\"}");
  }

  @Test
  void unread_countsOthersMessagesAfterTheMark_andSurvivesARestart() throws Exception {
    botSays("one");
    says(server.seed.bob, "two");
    String mine = says(server.seed.alice, "mine"); // her own message is never unread

    JsonNode before = unreadOf(general);
    assertThat(before.get("unread").asInt()).isEqualTo(2);
    assertThat(before.get("read").isNull()).isTrue();
    assertThat(before.get("newest").get("message_id").asText()).isEqualTo(mine);

    WebClient.Reply marked = markRead(mine);
    assertThat(marked.status()).isEqualTo(200);
    assertThat(marked.body().get("read").get("message_id").asText()).isEqualTo(mine);
    assertThat(unreadOf(general).get("unread").asInt()).isZero();

    String three = botSays("three");
    assertThat(unreadOf(general).get("unread").asInt()).isEqualTo(1);
    assertThat(
            unreadOf(Directory.p2pChatId(server.seed.appId, server.seed.alice))
                .get("unread")
                .asInt())
        .isZero();

    server.restart();
    web = new WebClient(server.baseUrl());
    JsonNode after = unreadOf(general);
    assertThat(after.get("unread").asInt()).isEqualTo(1);
    assertThat(after.get("read").get("message_id").asText()).isEqualTo(mine);
    assertThat(after.get("newest").get("message_id").asText()).isEqualTo(three);
  }

  @Test
  void read_markOnlyMovesForward() throws Exception {
    String older = botSays("older");
    String newer = botSays("newer");
    assertThat(markRead(newer).status()).isEqualTo(200);

    WebClient.Reply late = markRead(older); // a page that had not heard of the newer message yet

    assertThat(late.status()).isEqualTo(200);
    assertThat(late.body().get("read").get("message_id").asText()).isEqualTo(newer);
    assertThat(unreadOf(general).get("unread").asInt()).isZero();
  }

  @Test
  void read_refusesWhatIsNotAMessageOfTheChat() throws Exception {
    assertThat(web.post("/web/api/chats/" + general + "/read?" + alice, "{}").status())
        .isEqualTo(400);
    assertThat(
            web.post("/web/api/chats/" + general + "/read?" + alice, "{\"message_id\":7}").status())
        .isEqualTo(400);
    assertThat(markRead("om_nothing").status()).isEqualTo(404);
    String elsewhere =
        bot.sendText(Directory.p2pChatId(server.seed.appId, server.seed.alice), "hi");
    assertThat(markRead(elsewhere).status()).isEqualTo(404);
    String bobsChat = Directory.p2pChatId(server.seed.appId, server.seed.bob);
    assertThat(
            web.post(
                    "/web/api/chats/" + bobsChat + "/read?" + alice,
                    "{\"message_id\":\"" + elsewhere + "\"}")
                .status())
        .isEqualTo(403);
    assertThat(web.get("/web/api/unread").status()).isEqualTo(401);
  }

  @Test
  void read_tellsTheUsersOtherPagesOverTheSocket() throws Exception {
    String message = botSays("read me");
    try (PageSocket otherTab = PageSocket.open(server.baseUrl(), alice, false)) {
      otherTab.await(f -> "hello".equals(f.path("type").asText()), WAIT, "hello");

      markRead(message);

      JsonNode frame =
          otherTab.await(f -> "read".equals(f.path("type").asText()), WAIT, "the read frame");
      assertThat(frame.get("chat_id").asText()).isEqualTo(general);
      assertThat(frame.get("read").get("message_id").asText()).isEqualTo(message);
    }
  }

  @Test
  void read_onOneNode_isTheSameOnTheOtherAndTellsThePagesThere() throws Exception {
    try (TestCluster cluster = TestCluster.start(2)) {
      BotCalls clusterBot = new BotCalls(cluster.client(0), () -> cluster.node(0).runtime());
      String message = clusterBot.sendText(cluster.seed.chatId, "read on node 0");
      String viewer = "user=" + cluster.seed.alice;
      try (PageSocket onNode1 = PageSocket.open(cluster.baseUrl(1), viewer, false)) {
        onNode1.await(f -> "hello".equals(f.path("type").asText()), WAIT, "hello");

        WebClient.Reply marked =
            new WebClient(cluster.baseUrl(0))
                .post(
                    "/web/api/chats/" + cluster.seed.chatId + "/read?" + viewer,
                    "{\"message_id\":\"" + message + "\"}");
        assertThat(marked.status()).isEqualTo(200);

        JsonNode frame =
            onNode1.await(
                f -> "read".equals(f.path("type").asText()), WAIT, "the read frame on node 1");
        assertThat(frame.get("read").get("message_id").asText()).isEqualTo(message);
        for (JsonNode chat :
            new WebClient(cluster.baseUrl(1)).get("/web/api/unread?" + viewer).body()) {
          if (chat.get("chat_id").asText().equals(cluster.seed.chatId)) {
            assertThat(chat.get("unread").asInt()).isZero();
          }
        }
      }
    }
  }
}
