package io.opencardkit.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.core.engine.CardSummary;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.testkit.MutableClock;
import io.opencardkit.server.testkit.PageSocket;
import io.opencardkit.server.testkit.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

final class WebApiTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Duration STREAMING_WINDOW = Duration.ofMinutes(10);

  private final MutableClock clock = MutableClock.startingNow();
  private final TestServer server = TestServer.start(clock, STREAMING_WINDOW);
  private final BotCalls bot = new BotCalls(server);
  private final WebClient web = new WebClient(server.baseUrl());
  private final String alice = "user=" + server.seed.alice;

  @AfterEach
  void stop() {
    server.close();
  }

  private String sentStreamingCard() throws Exception {
    String cardId = bot.createCard(BotCalls.STREAMING_CARD);
    bot.sendCard("chat_id", server.seed.chatId, cardId);
    return cardId;
  }

  private String messageIdOf(String cardId) throws Exception {
    for (JsonNode m :
        web.get("/web/api/chats/" + server.seed.chatId + "/messages?" + alice).body()) {
      if (cardId.equals(m.path("card").path("card_id").asText())) {
        return m.get("message_id").asText();
      }
    }
    throw new AssertionError("no message shows " + cardId);
  }

  @Test
  void forward_whileStreaming_isRefusedWith300320AndAfterwardsCopiesTheCard() throws Exception {
    String cardId = sentStreamingCard();
    bot.contentOk(cardId, "forward me", 1);
    String messageId = messageIdOf(cardId);
    String aliceP2p = Directory.p2pChatId(server.seed.appId, server.seed.alice);
    String body = "{\"chat_id\":\"" + aliceP2p + "\"}";

    WebClient.Reply refused =
        web.post("/web/api/messages/" + messageId + "/forward?" + alice, body);
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.body().get("code").asInt()).isEqualTo(300320);

    bot.streamingOff(cardId, 2);
    WebClient.Reply forwarded =
        web.post("/web/api/messages/" + messageId + "/forward?" + alice, body);
    assertThat(forwarded.status()).isEqualTo(200);
    JsonNode view = forwarded.body();
    // A card entity is sent once, so the forward is an inline copy of its current JSON, from Alice.
    assertThat(view.get("chat_id").asText()).isEqualTo(aliceP2p);
    assertThat(view.get("msg_type").asText()).isEqualTo("interactive");
    assertThat(view.get("card").isNull()).isTrue();
    assertThat(view.get("sender").get("kind").asText()).isEqualTo("user");
    assertThat(view.get("content").get("body").get("elements").get(0).get("content").asText())
        .isEqualTo("forward me");
    assertThat(view.get("summary").asText()).isEqualTo("Answer");
    JsonNode target = web.get("/web/api/chats/" + aliceP2p + "/messages?" + alice).body();
    assertThat(target)
        .extracting(m -> m.get("message_id").asText())
        .containsExactly(view.get("message_id").asText());
  }

  @Test
  void forward_toChatOfSomeoneElse_isForbidden() throws Exception {
    String cardId = sentStreamingCard();
    bot.streamingOff(cardId, 1);
    String bobP2p = Directory.p2pChatId(server.seed.appId, server.seed.bob);

    WebClient.Reply reply =
        web.post(
            "/web/api/messages/" + messageIdOf(cardId) + "/forward?" + alice,
            "{\"chat_id\":\"" + bobP2p + "\"}");

    assertThat(reply.status()).isEqualTo(403);
  }

  @Test
  void inspector_showsStateEventsAndARefusedCallsCode() throws Exception {
    String cardId = sentStreamingCard();
    bot.contentOk(cardId, "Hi", 1);
    bot.contentOk(cardId, "Hi there", 2);
    assertThat(bot.content(cardId, "stale", 2)).isEqualTo(300317);

    WebClient.Reply reply = web.get("/web/api/cards/" + cardId + "/inspector?" + alice);

    assertThat(reply.status()).isEqualTo(200);
    JsonNode inspector = reply.body();
    assertThat(inspector.get("chat_id").asText()).isEqualTo(server.seed.chatId);
    assertThat(inspector.get("last_sequence").asInt()).isEqualTo(2);
    assertThat(inspector.get("version").asLong()).isEqualTo(bot.version(cardId));
    assertThat(inspector.get("streaming").get("on").asBoolean()).isTrue();
    assertThat(inspector.get("streaming").get("remaining_ms").asLong())
        .isEqualTo(STREAMING_WINDOW.toMillis());
    assertThat(inspector.get("events"))
        .extracting(e -> e.get("type").asText())
        .containsExactly("created", "sent", "content_appended", "content_appended");
    JsonNode lastEvent = inspector.get("events").get(3);
    assertThat(lastEvent.get("op").asText()).isEqualTo("append");
    assertThat(lastEvent.get("element_id").asText()).isEqualTo("md");
    assertThat(lastEvent.get("size").asInt()).isEqualTo(" there".length());
    assertThat(lastEvent.get("sequence").asInt()).isEqualTo(2);
    JsonNode refusal = inspector.get("refused").get(0);
    assertThat(refusal.get("code").asInt()).isEqualTo(300317);
    assertThat(refusal.get("sequence").asInt()).isEqualTo(2);
    assertThat(refusal.get("app_id").asText()).isEqualTo(server.seed.appId);
    assertThat(refusal.get("method").asText()).isEqualTo("PUT");
    assertThat(refusal.get("path").asText()).endsWith("/elements/md/content");
    assertThat(refusal.get("log_id").asText()).isNotEmpty();
  }

  @Test
  void postMessage_storesTheViewersTextAndPushesItToTheChat() throws Exception {
    try (PageSocket bob = PageSocket.open(server.baseUrl(), "user=" + server.seed.bob, false)) {
      bob.await(f -> "hello".equals(f.path("type").asText()), WAIT, "hello");
      WebClient.Reply posted =
          web.post(
              "/web/api/chats/" + server.seed.chatId + "/messages?" + alice,
              "{\"text\":\"hi Bob\"}");

      assertThat(posted.status()).isEqualTo(200);
      assertThat(posted.body().get("content").get("text").asText()).isEqualTo("hi Bob");
      assertThat(posted.body().get("sender").get("name").asText()).isEqualTo("Alice");
      JsonNode pushed = bob.await(f -> "message".equals(f.path("type").asText()), WAIT, "message");
      assertThat(pushed.get("chat_id").asText()).isEqualTo(server.seed.chatId);
      assertThat(pushed.get("message").get("message_id").asText())
          .isEqualTo(posted.body().get("message_id").asText());
      assertThat(pushed.get("message").get("sender").get("kind").asText()).isEqualTo("user");
      JsonNode chats = web.get("/web/api/chats?user=" + server.seed.bob).body();
      // The group has the newest activity, so it comes first, with the text as its preview.
      assertThat(chats.get(0).get("chat_id").asText()).isEqualTo(server.seed.chatId);
      assertThat(chats.get(0).get("last_message").get("summary").asText()).isEqualTo("hi Bob");
      assertThat(chats.get(0).get("members"))
          .extracting(m -> m.get("kind").asText())
          .containsExactly("user", "user", "bot");
      assertThat(
              web.post(
                      "/web/api/chats/" + server.seed.chatId + "/messages?" + alice,
                      "{\"text\":\"\"}")
                  .status())
          .isEqualTo(400);
    }
  }

  @Test
  void chatList_streamingCard_showsGeneratingThenPreviewFrameWhenTheDeadlinePasses()
      throws Exception {
    String cardId = sentStreamingCard();
    try (PageSocket socket = PageSocket.open(server.baseUrl(), alice, false)) {
      socket.resume(
          "{\"" + cardId + "\":" + web.loadedVersion(server.seed.chatId, alice, cardId) + "}");
      bot.contentOk(cardId, "partial", 1);
      JsonNode group = web.get("/web/api/chats?" + alice).body().get(0);
      assertThat(group.get("last_message").get("summary").asText())
          .isEqualTo(CardSummary.GENERATING);
      // The append, or a snapshot that holds it: a resume that reaches the node while the update
      // commits may find the
      // stored version ahead of the hub's window, and is then answered with a snapshot
      // (docs/web-protocol.md).
      socket.await(
          f -> "append".equals(f.path("op").asText()) || "snapshot".equals(f.path("type").asText()),
          WAIT,
          "append or snapshot");

      clock.advance(STREAMING_WINDOW.plusSeconds(1));

      // The bot calls nothing more. Either the hub's once-a-second check of the deadline pushes a
      // preview frame, or
      // the runtime's once-a-second sweep records streaming_timed_out first and its card frame
      // carries the preview
      // (then the hub has nothing left to push): whichever comes first, the page learns the new
      // preview.
      JsonNode preview =
          socket.await(
              f ->
                  "preview".equals(f.path("type").asText())
                      || ("card".equals(f.path("type").asText())
                          && "streaming_timed_out".equals(f.path("op").asText())),
              WAIT,
              "preview, or the card frame of the timeout");
      assertThat(preview.get("chat_id").asText()).isEqualTo(server.seed.chatId);
      assertThat(preview.get("message_id").asText()).isEqualTo(messageIdOf(cardId));
      assertThat(preview.get("summary").asText()).isEqualTo("Answer");
      assertThat(
              web.get("/web/api/chats?" + alice)
                  .body()
                  .get(0)
                  .get("last_message")
                  .get("summary")
                  .asText())
          .isEqualTo("Answer");
    }
  }

  @Test
  void action_onCard_isRecordedNotYetDelivered() throws Exception {
    String cardId = sentStreamingCard();

    WebClient.Reply reply =
        web.post(
            "/web/api/messages/" + messageIdOf(cardId) + "/actions?" + alice,
            "{\"tag\":\"button\",\"element_id\":\"btn\",\"value\":{\"k\":\"v\"},\"unexpected\":1}");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body().get("action_id").asText()).startsWith("act_");
    assertThat(reply.body().get("recorded").asBoolean()).isTrue();
    assertThat(reply.body().get("delivered").asBoolean()).isFalse();
    assertThat(
            web.post("/web/api/messages/om_missing/actions?" + alice, "{\"tag\":\"button\"}")
                .status())
        .isEqualTo(404);
  }

  @Test
  void webResponses_carryTheContentSecurityPolicy() throws Exception {
    WebClient.Reply reply = web.get("/web/api/session?" + alice);

    assertThat(reply.raw().headers().firstValue("Content-Security-Policy"))
        .hasValue(StaticPages.CSP);
    assertThat(StaticPages.CSP).contains("script-src 'self'").contains("frame-ancestors 'none'");
  }
}
