package io.opencardkit.server.bots;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.lark.oapi.Client;
import com.lark.oapi.event.cardcallback.model.P2CardActionTrigger;
import com.lark.oapi.service.cardkit.v1.model.SettingsCardReq;
import com.lark.oapi.service.cardkit.v1.model.SettingsCardReqBody;
import io.opencardkit.core.Json;
import io.opencardkit.server.testkit.Await;
import io.opencardkit.server.testkit.MutableClock;
import io.opencardkit.server.testkit.PageSocket;
import io.opencardkit.server.testkit.SdkBot;
import io.opencardkit.server.testkit.TestSeed;
import io.opencardkit.server.testkit.TestServer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Clicks on cards reach the bot's {@code callback_url} as {@code card.action.trigger}; its answer
 * takes effect.
 */
final class WebhookCallbacksTest {
  private final MutableClock clock = MutableClock.startingNow();
  private final SdkBot bot = SdkBot.webhook();
  private final TestSeed seed = new TestSeed();
  private final TestServer server;
  private final Client sdk;
  private final CountDownLatch release = new CountDownLatch(1);

  WebhookCallbacksTest() {
    bot.configure(seed);
    server = TestServer.start(seed, clock, Duration.ofMinutes(10));
    sdk = server.client();
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.close();
    bot.close();
  }

  private String sentCard(boolean streaming) throws Exception {
    return Cards.create(sdk, Cards.withButton(streaming));
  }

  @Test
  void click_onCardEntity_reachesBotAndItsToastAndCardTakeEffect() throws Exception {
    String cardId = sentCard(false);
    String messageId = Cards.sendEntity(sdk, seed.chatId, cardId);
    bot.cardAnswer =
        e ->
            Cards.answer(
                "success", "Approved", "Approved by " + e.getEvent().getOperator().getOpenId());
    try (PageSocket alice = PageSocket.signedIn(server.baseUrl(), seed.alice)) {

      JsonNode answer =
          new Page(server.baseUrl(), seed.alice)
              .act(messageId, Cards.CLICK)
              .get(20, TimeUnit.SECONDS);

      assertThat(answer.get("delivered").asBoolean()).isTrue();
      P2CardActionTrigger callback = bot.callbacks.get(0);
      assertThat(callback.getHeader().getEventType()).isEqualTo("card.action.trigger");
      assertThat(callback.getEvent().getOperator().getOpenId()).isEqualTo(seed.alice);
      assertThat(callback.getEvent().getAction().getTag()).isEqualTo("button");
      assertThat(callback.getEvent().getAction().getValue()).containsEntry("decision", "approve");
      assertThat(callback.getEvent().getContext().getOpenMessageId()).isEqualTo(messageId);
      assertThat(callback.getEvent().getContext().getOpenChatId()).isEqualTo(seed.chatId);
      assertThat(bot.typesAt("/callbacks"))
          .containsExactly("url_verification", "card.action.trigger");
      JsonNode toast = alice.await(f -> "toast".equals(f.path("type").asText()), Await.WAIT);
      assertThat(toast.get("message_id").asText()).isEqualTo(messageId);
      assertThat(Json.write(toast.get("toast")))
          .isEqualTo("{\"type\":\"success\",\"content\":\"Approved\"}");
      assertThat(Cards.text(server, cardId)).isEqualTo("Approved by " + seed.alice);
      alice.await(
          f ->
              "card".equals(f.path("type").asText())
                  && "card".equals(f.path("op").asText())
                  && cardId.equals(f.path("card_id").asText()),
          Await.WAIT);
    }
  }

  @Test
  void click_whileCardStreams_showsTheToastButRefusesTheCard() throws Exception {
    String cardId = sentCard(true);
    String messageId = Cards.sendEntity(sdk, seed.chatId, cardId);
    assertThat(Cards.content(sdk, cardId, "Thinking", 1)).isZero();
    bot.cardAnswer = e -> Cards.answer("info", "Got it", "Replaced");
    try (PageSocket alice = PageSocket.signedIn(server.baseUrl(), seed.alice)) {

      JsonNode answer =
          new Page(server.baseUrl(), seed.alice)
              .act(messageId, Cards.CLICK)
              .get(20, TimeUnit.SECONDS);

      assertThat(answer.get("delivered").asBoolean()).isTrue();
      alice.await(f -> "warning".equals(f.path("toast").path("type").asText()), Await.WAIT);
      assertThat(alice.toasts())
          .extracting(t -> t.get("toast").get("type").asText())
          .containsExactly("info", "warning");
      assertThat(alice.toasts().get(0).get("toast").get("content").asText()).isEqualTo("Got it");
      assertThat(alice.toasts().get(1).get("toast").get("content").asText()).contains("streaming");
      assertThat(Cards.text(server, cardId))
          .isEqualTo("Thinking"); // the bot keeps streaming into its own card
      assertThat(Cards.content(sdk, cardId, "Thinking more", 2)).isZero();
    }
  }

  @Test
  void cardKitUpdate_duringInteraction_isRefusedWith200810UntilTheBotAnswered() throws Exception {
    String cardId = sentCard(true);
    String messageId = Cards.sendEntity(sdk, seed.chatId, cardId);
    bot.cardAnswer =
        e -> {
          await(release);
          return Cards.answer("info", "Done", null);
        };

    CompletableFuture<JsonNode> click =
        new Page(server.baseUrl(), seed.alice).act(messageId, Cards.CLICK);
    Await.until("the callback reached the bot", () -> bot.callbacks.size() == 1);

    assertThat(Cards.content(sdk, cardId, "Hello", 1)).isEqualTo(200810);
    release.countDown();
    assertThat(click.get(20, TimeUnit.SECONDS).get("delivered").asBoolean()).isTrue();
    // The refused call consumed nothing: the same sequence is accepted now.
    assertThat(Cards.content(sdk, cardId, "Hello", 1)).isZero();
  }

  @Test
  void botTooSlow_pageGetsAnErrorToastAndTheLockIsReleased() throws Exception {
    String cardId = sentCard(false);
    String messageId = Cards.sendEntity(sdk, seed.chatId, cardId);
    bot.cardAnswer =
        e -> {
          // released only when the test ends: after Feishu's 3 seconds have passed on the clock
          await(release);
          return Cards.answer("info", "Too late", "Too late");
        };
    try (PageSocket alice = PageSocket.signedIn(server.baseUrl(), seed.alice)) {

      CompletableFuture<JsonNode> click =
          new Page(server.baseUrl(), seed.alice).act(messageId, Cards.CLICK);
      Await.until("the callback reached the bot", () -> bot.callbacks.size() == 1);
      clock.advance(BotDispatcher.DEADLINE);
      JsonNode answer = click.get(20, TimeUnit.SECONDS);

      assertThat(answer.get("delivered").asBoolean()).isFalse();
      JsonNode toast = alice.await(f -> "toast".equals(f.path("type").asText()), Await.WAIT);
      assertThat(toast.get("toast").get("type").asText()).isEqualTo("error");
      assertThat(toast.get("toast").get("content").asText())
          .contains("3 seconds")
          .contains("200341");
      SettingsCardReq settings =
          SettingsCardReq.newBuilder()
              .cardId(cardId)
              .settingsCardReqBody(
                  SettingsCardReqBody.newBuilder()
                      .settings("{\"config\":{\"summary\":{\"content\":\"x\"}}}")
                      .sequence(1)
                      .build())
              .build();
      assertThat(sdk.cardkit().v1().card().settings(settings).getCode())
          .isZero(); // no 200810 once the interaction ended
    }
  }

  @Test
  void click_onInlineCard_botCardReplacesTheMessage() throws Exception {
    String messageId = Cards.send(sdk, seed.chatId, Cards.withButton(false));
    bot.cardAnswer = e -> Cards.answer("success", "Saved", "Saved for you");
    try (PageSocket alice = PageSocket.signedIn(server.baseUrl(), seed.alice)) {

      JsonNode answer =
          new Page(server.baseUrl(), seed.alice)
              .act(messageId, Cards.CLICK)
              .get(20, TimeUnit.SECONDS);

      assertThat(answer.get("delivered").asBoolean()).isTrue();
      assertThat(bot.callbacks.get(0).getEvent().getAction().getValue())
          .containsEntry("decision", "approve");
      JsonNode replaced =
          alice.await(
              f ->
                  "message".equals(f.path("type").asText())
                      && messageId.equals(f.path("message").path("message_id").asText()),
              Await.WAIT);
      assertThat(
              replaced
                  .get("message")
                  .get("content")
                  .get("body")
                  .get("elements")
                  .get(0)
                  .get("content")
                  .asText())
          .isEqualTo("Saved for you");
    }
  }

  @Test
  void click_onCardOfBotWithoutCallbackAddress_failsWith200340() throws Exception {
    Client other = server.otherClient();
    String p2p = io.opencardkit.server.directory.Directory.p2pChatId(seed.otherAppId, seed.alice);
    String cardId = Cards.create(other, Cards.withButton(false));
    String messageId = Cards.sendEntity(other, p2p, cardId);
    try (PageSocket alice = PageSocket.signedIn(server.baseUrl(), seed.alice)) {

      JsonNode answer =
          new Page(server.baseUrl(), seed.alice)
              .act(messageId, Cards.CLICK)
              .get(20, TimeUnit.SECONDS);

      assertThat(answer.get("delivered").asBoolean()).isFalse();
      assertThat(
              alice
                  .await(f -> "toast".equals(f.path("type").asText()), Await.WAIT)
                  .get("toast")
                  .get("content")
                  .asText())
          .contains("200340");
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
