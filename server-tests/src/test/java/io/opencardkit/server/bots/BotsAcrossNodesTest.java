package io.opencardkit.server.bots;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.lark.oapi.Client;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.Json;
import io.opencardkit.core.card.ElementTree;
import io.opencardkit.server.cards.CardRuntime.CardHandle;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.testkit.Await;
import io.opencardkit.server.testkit.PageSocket;
import io.opencardkit.server.testkit.SdkBot;
import io.opencardkit.server.testkit.TestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A bot connected to one node over the SDK's long connection hears what happens on the other node:
 * users' messages, and interactions with its cards, whose answers take effect there; and what it
 * does through either node shows on both.
 */
final class BotsAcrossNodesTest {
  private static final java.util.concurrent.atomic.AtomicInteger SEQUENCE =
      new java.util.concurrent.atomic.AtomicInteger();
  private final TestCluster cluster = TestCluster.start(2);
  private final SdkBot bot =
      SdkBot.longConnection(cluster.baseUrl(0), cluster.seed.appId, cluster.seed.appSecret);

  BotsAcrossNodesTest() {
    Await.until(
        "the SDK's client connected to the first node",
        () -> cluster.node(0).bots().longConnectionCount(cluster.seed.appId) == 1);
    Await.until(
        "the second node knows of it",
        () ->
            cluster
                    .node(1)
                    .bots()
                    .reachable(
                        cluster.node(1).directory().app(cluster.seed.appId).orElseThrow(),
                        BotDispatcher.Kind.EVENT)
                && cluster.node(1).bots().longConnectionCount(cluster.seed.appId) == 0);
  }

  @AfterEach
  void stop() throws Exception {
    bot.close();
    cluster.close();
  }

  @Test
  void userMessageOnTheOtherNode_reachesTheBotOnce() throws Exception {
    String p2p = Directory.p2pChatId(cluster.seed.appId, cluster.seed.alice);

    String messageId =
        new Page(cluster.baseUrl(1), cluster.seed.alice).say(p2p, "hello from the second node");

    Await.until("the event is handled", () -> bot.events.size() == 1);
    assertThat(bot.events.get(0).getEvent().getMessage().getMessageId()).isEqualTo(messageId);
    assertThat(bot.events.get(0).getEvent().getMessage().getContent())
        .isEqualTo("{\"text\":\"hello from the second node\"}");
  }

  @Test
  void interactionOnTheOtherNode_reachesTheBotAndItsAnswerTakesEffect() throws Exception {
    Client sdk = cluster.client(1);
    String cardId = Cards.create(sdk, Cards.withButton(false));
    String messageId = Cards.sendEntity(sdk, cluster.seed.chatId, cardId);
    // While the bot answers, a CardKit call through the first node must hear 200810: the lock holds
    // on every node.
    Client viaFirst = cluster.client(0);
    int[] duringInteraction = new int[1];
    bot.cardAnswer =
        e -> {
          try {
            duringInteraction[0] = settingsCode(viaFirst, cardId);
          } catch (Exception ex) {
            throw new IllegalStateException(ex);
          }
          return Cards.answer("success", "Approved across nodes", "Approved");
        };
    try (PageSocket alice = PageSocket.signedIn(cluster.baseUrl(1), cluster.seed.alice)) {

      JsonNode answer =
          new Page(cluster.baseUrl(1), cluster.seed.alice)
              .act(messageId, Cards.CLICK)
              .get(20, TimeUnit.SECONDS);

      assertThat(answer.get("delivered").asBoolean()).isTrue();
      assertThat(bot.callbacks)
          .singleElement()
          .satisfies(
              c -> assertThat(c.getEvent().getContext().getOpenMessageId()).isEqualTo(messageId));
      JsonNode toast = alice.await(f -> "toast".equals(f.path("type").asText()), Await.WAIT);
      assertThat(toast.path("toast").path("content").asText()).isEqualTo("Approved across nodes");
    }
    assertThat(duringInteraction[0]).isEqualTo(ErrorCode.CARD_IN_INTERACTION.code());
    assertThat(text(1, cardId)).isEqualTo("Approved");
    Await.until("the first node's copy follows", () -> "Approved".equals(text(0, cardId)));
    assertThat(settingsCode(viaFirst, cardId)).isZero(); // the interaction ended on every node
  }

  @Test
  void typingReaction_addedThroughOneNodeAndRemovedThroughTheOther_isShownAndRemovedOnBoth()
      throws Exception {
    String p2p = Directory.p2pChatId(cluster.seed.appId, cluster.seed.alice);
    String question =
        new Page(cluster.baseUrl(0), cluster.seed.alice).say(p2p, "what is OpenCardKit?");
    new Page(cluster.baseUrl(1), cluster.seed.alice)
        .messages(p2p); // the second node now holds "no reactions" for it
    try (PageSocket aliceOnSecond = PageSocket.signedIn(cluster.baseUrl(1), cluster.seed.alice)) {

      var added =
          cluster
              .client(0)
              .im()
              .v1()
              .messageReaction()
              .create(
                  com.lark.oapi.service.im.v1.model.CreateMessageReactionReq.newBuilder()
                      .messageId(question)
                      .createMessageReactionReqBody(
                          com.lark.oapi.service.im.v1.model.CreateMessageReactionReqBody
                              .newBuilder()
                              .reactionType(
                                  com.lark.oapi.service.im.v1.model.Emoji.newBuilder()
                                      .emojiType("Typing")
                                      .build())
                              .build())
                      .build());
      assertThat(added.getCode()).isZero();
      aliceOnSecond.await(
          f ->
              "message".equals(f.path("type").asText())
                  && f.path("message").path("reactions").size() == 1,
          Await.WAIT);

      var removed =
          cluster
              .client(1)
              .im()
              .v1()
              .messageReaction()
              .delete(
                  com.lark.oapi.service.im.v1.model.DeleteMessageReactionReq.newBuilder()
                      .messageId(question)
                      .reactionId(added.getData().getReactionId())
                      .build());

      assertThat(removed.getCode()).isZero();
      aliceOnSecond.await(
          f ->
              "message".equals(f.path("type").asText())
                  && question.equals(f.path("message").path("message_id").asText())
                  && f.path("message").path("reactions").isEmpty(),
          Await.WAIT);
    }
  }

  @Test
  void ticketIssuedByOneNode_opensTheSocketOnAnotherOnce() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String body =
        Json.write(
            Json.object()
                .put("AppID", cluster.seed.otherAppId)
                .put("AppSecret", cluster.seed.otherAppSecret));
    HttpResponse<String> endpoint =
        http.send(
            HttpRequest.newBuilder(URI.create(cluster.baseUrl(0) + "/callback/ws/endpoint"))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    String url = Json.parseOrNull(endpoint.body()).path("data").path("URL").asText();
    String onSecondNode =
        url.replaceFirst("ws://[^/]+", cluster.baseUrl(1).replaceFirst("^http", "ws"));

    WebSocket socket =
        http.newWebSocketBuilder()
            .buildAsync(URI.create(onSecondNode), new WebSocket.Listener() {})
            .get(10, TimeUnit.SECONDS);
    Await.until(
        "the second node holds the connection",
        () -> cluster.node(1).bots().longConnectionCount(cluster.seed.otherAppId) == 1);
    String onFirstNode =
        url.replaceFirst("ws://[^/]+", cluster.baseUrl(0).replaceFirst("^http", "ws"));
    Await.until(
        "the first node heard the ticket was used", () -> handshakeRefused(http, onFirstNode));
    socket.abort();
  }

  private static boolean handshakeRefused(HttpClient http, String url) {
    try {
      WebSocket ws =
          http.newWebSocketBuilder()
              .buildAsync(URI.create(url), new WebSocket.Listener() {})
              .get(10, TimeUnit.SECONDS);
      ws.abort();
      return false;
    } catch (Exception e) {
      return true;
    }
  }

  private static int settingsCode(Client sdk, String cardId) throws Exception {
    return sdk.cardkit()
        .v1()
        .card()
        .settings(
            com.lark.oapi.service.cardkit.v1.model.SettingsCardReq.newBuilder()
                .cardId(cardId)
                .settingsCardReqBody(
                    com.lark.oapi.service.cardkit.v1.model.SettingsCardReqBody.newBuilder()
                        .settings("{\"config\":{\"summary\":{\"content\":\"checked\"}}}")
                        .sequence(SEQUENCE.incrementAndGet())
                        .build())
                .build())
        .getCode();
  }

  private String text(int node, String cardId) {
    CardHandle handle = cluster.node(node).runtime().findBlocking(cardId).orElseThrow();
    synchronized (handle) {
      return ElementTree.content(ElementTree.find(handle.state().card(), "md"));
    }
  }
}
