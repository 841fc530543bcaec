package io.opencardkit.server.bots;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.gson.Gson;
import com.lark.oapi.Client;
import com.lark.oapi.core.response.RawResponse;
import com.lark.oapi.core.token.AccessTokenType;
import com.lark.oapi.service.im.v1.model.DeleteMessageReq;
import com.lark.oapi.service.im.v1.model.GetMessageReq;
import io.opencardkit.core.Json;
import io.opencardkit.server.testkit.Await;
import io.opencardkit.server.testkit.MutableClock;
import io.opencardkit.server.testkit.PageSocket;
import io.opencardkit.server.testkit.SdkBot;
import io.opencardkit.server.testkit.TestSeed;
import io.opencardkit.server.testkit.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The delayed card update ({@code POST /open-apis/interactive/v1/card/update}) with the token of a
 * card callback: after the bot answered, within 30 minutes, at most twice, with Feishu's codes
 * otherwise. The official Java SDK has no method for this endpoint, so the bot calls it as SDK
 * users do, with the client's own {@code post}.
 */
final class DelayedCardUpdateTest {
  private final MutableClock clock = MutableClock.startingNow();
  private final SdkBot bot = SdkBot.webhook();
  private final TestSeed seed = new TestSeed();
  private final TestServer server;
  private final Client sdk;
  private final CountDownLatch release = new CountDownLatch(1);

  DelayedCardUpdateTest() {
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

  /**
   * A user clicks the card's button and the bot answers with a toast only; returns the callback's
   * token.
   */
  private String clickAnsweredWithToast(String messageId) throws Exception {
    int before = bot.callbacks.size();
    bot.cardAnswer = e -> Cards.answer("info", "处理中…", null);
    JsonNode answer =
        new Page(server.baseUrl(), seed.alice)
            .act(messageId, Cards.CLICK)
            .get(20, TimeUnit.SECONDS);
    assertThat(answer.get("delivered").asBoolean()).isTrue();
    return bot.callbacks.get(before).getEvent().getToken();
  }

  private static JsonNode update(Client caller, String token, Object card) throws Exception {
    // The body as a bot builds it for the SDK's generic post (a Gson map: the SDK serialises with
    // Gson).
    Map<String, Object> fields = new java.util.HashMap<>();
    fields.put("token", token);
    fields.put("card", card);
    Map<?, ?> body = new Gson().fromJson(new Gson().toJson(fields), Map.class);
    RawResponse raw =
        caller.post("/open-apis/interactive/v1/card/update", body, AccessTokenType.Tenant);
    JsonNode reply = Json.parseOrNull(new String(raw.getBody(), StandardCharsets.UTF_8));
    assertThat(raw.getStatusCode()).as("never a 5xx: %s", reply).isLessThan(500);
    return reply;
  }

  private static Object card(String text) {
    return Cards.answerCard(text);
  }

  private String inlineContent(String messageId) throws Exception {
    return sdk.im()
        .v1()
        .message()
        .get(GetMessageReq.newBuilder().messageId(messageId).build())
        .getData()
        .getItems()[0]
        .getBody()
        .getContent();
  }

  @Test
  void afterTheAnswer_theTokenReplacesTheCardTwice_thenHears300040() throws Exception {
    String cardId = Cards.create(sdk, Cards.withButton(false));
    String messageId = Cards.sendEntity(sdk, seed.chatId, cardId);
    String token = clickAnsweredWithToast(messageId);
    assertThat(token).startsWith("c-");
    try (PageSocket alice = PageSocket.signedIn(server.baseUrl(), seed.alice)) {

      JsonNode first = update(sdk, token, card("第一次更新"));

      assertThat(first.get("code").asInt()).as("%s", first).isZero();
      assertThat(first.get("msg").asText()).isEqualTo("ok");
      assertThat(Cards.text(server, cardId)).isEqualTo("第一次更新");
      alice.await(
          f -> "card".equals(f.path("op").asText()) && cardId.equals(f.path("card_id").asText()),
          Await.WAIT);
    }
    assertThat(update(sdk, token, card("第二次更新")).get("code").asInt()).isZero();
    assertThat(Cards.text(server, cardId)).isEqualTo("第二次更新");

    JsonNode third = update(sdk, token, card("第三次更新"));

    assertThat(third.get("code").asInt()).isEqualTo(300040);
    assertThat(Cards.text(server, cardId)).isEqualTo("第二次更新");
  }

  @Test
  void anInlineCard_isReplacedToo() throws Exception {
    String messageId = Cards.send(sdk, seed.chatId, Cards.withButton(false));
    String token = clickAnsweredWithToast(messageId);

    assertThat(update(sdk, token, card("已处理")).get("code").asInt()).isZero();

    assertThat(inlineContent(messageId)).contains("已处理").doesNotContain("Approve");
  }

  @Test
  void anUpdateSentWhileTheBotIsStillAnswering_isAppliedAfterTheAnswersCard() throws Exception {
    String cardId = Cards.create(sdk, Cards.withButton(false));
    String messageId = Cards.sendEntity(sdk, seed.chatId, cardId);
    CompletableFuture<JsonNode> delayed = new CompletableFuture<>();
    bot.cardAnswer =
        e -> {
          // The bot fires its delayed update before it has even returned its answer (Feishu warns
          // against this).
          CompletableFuture.runAsync(
              () -> {
                try {
                  delayed.complete(update(sdk, e.getEvent().getToken(), card("延时卡片")));
                } catch (Exception failure) {
                  delayed.completeExceptionally(failure);
                }
              });
          return Cards.answer("info", "收到", "同步卡片");
        };

    new Page(server.baseUrl(), seed.alice).act(messageId, Cards.CLICK).get(20, TimeUnit.SECONDS);

    assertThat(delayed.get(20, TimeUnit.SECONDS).get("code").asInt()).isZero();
    assertThat(Cards.text(server, cardId)).isEqualTo("延时卡片");
  }

  @Test
  void thirtyMinutesAfterTheCallback_theTokenHasExpired() throws Exception {
    String cardId = Cards.create(sdk, Cards.withButton(false));
    String token = clickAnsweredWithToast(Cards.sendEntity(sdk, seed.chatId, cardId));
    clock.advance(Duration.ofMinutes(30).minusSeconds(1));
    assertThat(update(sdk, token, card("最后一秒")).get("code").asInt()).isZero();
    clock.advance(Duration.ofSeconds(1));

    assertThat(update(sdk, token, card("太迟")).get("code").asInt()).isEqualTo(300030);

    assertThat(Cards.text(server, cardId)).isEqualTo("最后一秒");
  }

  @Test
  void theTokenOfACallbackTheBotNeverAnswered_isRefusedWith300030() throws Exception {
    String cardId = Cards.create(sdk, Cards.withButton(false));
    String messageId = Cards.sendEntity(sdk, seed.chatId, cardId);
    bot.cardAnswer =
        e -> {
          await(release); // beyond Feishu's 3 seconds on the clock: the callback fails
          return Cards.answer("info", "Too late", null);
        };
    CompletableFuture<JsonNode> click =
        new Page(server.baseUrl(), seed.alice).act(messageId, Cards.CLICK);
    Await.until("the callback reached the bot", () -> bot.callbacks.size() == 1);
    clock.advance(BotDispatcher.DEADLINE);
    JsonNode answer = click.get(20, TimeUnit.SECONDS);
    assertThat(answer.get("delivered").asBoolean()).isFalse();

    assertThat(
            update(sdk, bot.callbacks.get(0).getEvent().getToken(), card("不该出现"))
                .get("code")
                .asInt())
        .isEqualTo(300030);

    assertThat(Cards.text(server, cardId)).isEqualTo("Approve the plan?");
  }

  @Test
  void malformedOrUnknownTokens_andAMissingCard_areRefused() throws Exception {
    assertThat(update(sdk, "t-not-a-card-token", card("x")).get("code").asInt()).isEqualTo(300020);
    assertThat(update(sdk, "c-" + "0".repeat(32), card("x")).get("code").asInt()).isEqualTo(300030);
    String messageId = Cards.send(sdk, seed.chatId, Cards.withButton(false));
    String token = clickAnsweredWithToast(messageId);
    assertThat(update(sdk, token, null).get("code").asInt()).isEqualTo(10002);
    Map<?, ?> huge =
        new Gson()
            .fromJson(
                "{\"schema\":\"2.0\",\"body\":{\"elements\":[{\"tag\":\"markdown\",\"content\":\""
                    + "大".repeat(11_000)
                    + "\",\"element_id\":\"md\"}]}}",
                Map.class);
    assertThat(update(sdk, token, huge).get("code").asInt()).isEqualTo(100000);
    // None of these used the token up.
    assertThat(update(sdk, token, card("一")).get("code").asInt()).isZero();
    assertThat(update(sdk, token, card("二")).get("code").asInt()).isZero();
  }

  @Test
  void aRefusedCard_is11311_andDoesNotUseUpTheToken() throws Exception {
    String cardId = Cards.create(sdk, Cards.withButton(false));
    String token = clickAnsweredWithToast(Cards.sendEntity(sdk, seed.chatId, cardId));
    Map<?, ?> oneDotZero =
        new Gson()
            .fromJson(
                "{\"elements\":[{\"tag\":\"div\",\"text\":{\"tag\":\"plain_text\",\"content\":\"1.0\"}}]}",
                Map.class);

    JsonNode refused = update(sdk, token, oneDotZero);

    assertThat(refused.get("code").asInt()).isEqualTo(11311);
    assertThat(Cards.text(server, cardId)).isEqualTo("Approve the plan?");
    assertThat(update(sdk, token, card("一")).get("code").asInt()).isZero();
    assertThat(update(sdk, token, card("二")).get("code").asInt()).isZero();
  }

  @Test
  void anotherAppsToken_is200310_andARecalledMessage_is200000() throws Exception {
    String messageId = Cards.send(sdk, seed.chatId, Cards.withButton(false));
    String token = clickAnsweredWithToast(messageId);

    assertThat(update(server.otherClient(), token, card("不是我的")).get("code").asInt())
        .isEqualTo(200310);
    assertThat(
            sdk.im()
                .v1()
                .message()
                .delete(DeleteMessageReq.newBuilder().messageId(messageId).build())
                .getCode())
        .isZero();
    assertThat(update(sdk, token, card("已撤回")).get("code").asInt()).isEqualTo(200000);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
