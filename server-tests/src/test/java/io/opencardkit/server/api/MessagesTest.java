package io.opencardkit.server.api;

import static io.opencardkit.server.api.CardJson.json;
import static io.opencardkit.server.api.CardJson.markdown;
import static io.opencardkit.server.api.CardJson.text;
import static io.opencardkit.server.api.Replies.assertCommonHeaders;
import static io.opencardkit.server.api.Replies.assertOk;
import static io.opencardkit.server.api.Replies.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.lark.oapi.core.response.RawResponse;
import com.lark.oapi.core.token.AccessTokenType;
import com.lark.oapi.service.im.v1.model.CreateMessageResp;
import com.lark.oapi.service.im.v1.model.ListMessageRespBody;
import com.lark.oapi.service.im.v1.model.Message;
import com.lark.oapi.service.im.v1.model.ReplyMessageRespBody;
import io.opencardkit.server.testkit.BotApi;
import io.opencardkit.server.testkit.MutableClock;
import io.opencardkit.server.testkit.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The IM side of a card: sending once, replying, listing, PATCH of inline cards, and bot/v3/info.
 */
final class MessagesTest {
  private final MutableClock clock = MutableClock.startingNow();
  private TestServer server;
  private BotApi bot;

  @BeforeEach
  void start() {
    server = TestServer.start(clock, Duration.ofMinutes(10));
    bot = BotApi.of(server);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void send_cardEntityTwice_isRefusedWith230099() throws Exception {
    String cardId = bot.createCard(CardJson.streaming("一次"));
    bot.sendCardToChat(server.seed.chatId, cardId);

    CreateMessageResp again = bot.sendCard("open_id", server.seed.alice, cardId);

    assertRefused(again, 230099);
    assertThat(again.getMsg()).contains("ErrCode: 11310");
  }

  @Test
  void send_unknownCardEntity_isRefusedWith230099NamingTheCardError() throws Exception {
    CreateMessageResp resp = bot.sendCard("chat_id", server.seed.chatId, "7355372766134157313");

    assertRefused(resp, 230099);
    assertThat(resp.getMsg()).contains("ErrCode: 200740");
  }

  @Test
  void send_otherAppsCardEntity_isRefusedWith300311() throws Exception {
    String cardId = bot.createCard(CardJson.streaming("不是你的"));

    // Via open_id: the other bot has a private chat with Alice, so only card ownership can stop it.
    assertRefused(BotApi.other(server).sendCard("open_id", server.seed.alice, cardId), 300311);
    // The refused send did not use up the card's single send.
    bot.sendCardToChat(server.seed.chatId, cardId);
  }

  @Test
  void send_cardEntityRetriedWithSameUuid_returnsTheFirstMessage() throws Exception {
    String cardId = bot.createCard(CardJson.streaming("重试安全"));
    String first =
        assertOk(
                bot.send(
                    "chat_id",
                    server.seed.chatId,
                    "interactive",
                    CardJson.entity(cardId),
                    "send-1"))
            .getMessageId();

    // A retry after a lost response: the same message, not 230099 for a second send.
    String retried =
        assertOk(
                bot.send(
                    "chat_id",
                    server.seed.chatId,
                    "interactive",
                    CardJson.entity(cardId),
                    "send-1"))
            .getMessageId();

    assertThat(retried).isEqualTo(first);
    assertThat(assertOk(bot.list(server.seed.chatId, 20, null)).getItems()).hasSize(1);
  }

  @Test
  void send_unknownUserOrUnsupportedIdType_isRefused() throws Exception {
    String text = json("{'text':'hello'}");

    assertRefused(bot.send("open_id", "ou_nobody", "text", text), 230034);
    assertRefused(bot.send("chat_id", "oc_nochat", "text", text), 230034);
    assertRefused(bot.send("thread_id", "omt_1", "text", text), 99992402);
    assertRefused(bot.send("chat_id", server.seed.chatId, "text", "not json"), 230001);
  }

  @Test
  void send_toChatTheBotIsNotIn_isRefusedWith230002() throws Exception {
    String text = json("{'text':'hello'}");

    assertRefused(BotApi.other(server).send("chat_id", server.seed.chatId, "text", text), 230002);
  }

  @Test
  void reply_withCardEntity_threadsUnderTheParentAndStreams() throws Exception {
    String question =
        assertOk(bot.send("chat_id", server.seed.chatId, "text", json("{'text':'问题？'}")))
            .getMessageId();
    String cardId = bot.createCard(CardJson.streaming(""));

    ReplyMessageRespBody reply =
        assertOk(bot.reply(question, "interactive", CardJson.entity(cardId)));

    assertThat(reply.getParentId()).isEqualTo(question);
    assertThat(reply.getRootId()).isEqualTo(question);
    assertThat(reply.getChatId()).isEqualTo(server.seed.chatId);
    assertOk(bot.content(cardId, "md_1", "回答：", 1));
    assertThat(text(bot.shownCard(reply.getMessageId()), "md_1")).isEqualTo("回答：");
    // The card entity is now sent; it cannot be sent again, not even as another reply.
    assertRefused(bot.reply(question, "interactive", CardJson.entity(cardId)), 230099);
  }

  @Test
  void list_chatMessages_pagesThroughAllInSendOrder() throws Exception {
    List<String> sent = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      clock.advance(Duration.ofMillis(10)); // the list is ordered by send time
      sent.add(
          assertOk(bot.send("chat_id", server.seed.chatId, "text", json("{'text':'第" + i + "条'}")))
              .getMessageId());
    }

    List<String> listed = new ArrayList<>();
    String pageToken = null;
    int pages = 0;
    do {
      ListMessageRespBody page = assertOk(bot.list(server.seed.chatId, 2, pageToken));
      for (Message m : page.getItems()) {
        listed.add(m.getMessageId());
      }
      pageToken = page.getHasMore() ? page.getPageToken() : null;
      pages++;
    } while (pageToken != null);

    assertThat(listed).containsExactlyElementsOf(sent);
    assertThat(pages).isEqualTo(3);
  }

  @Test
  void list_messagesSentInTheSameMillisecond_keepSendOrder() throws Exception {
    // Regression: ids were random, so messages created within one millisecond listed in random
    // order.
    List<String> sent = new ArrayList<>();
    for (int i = 1; i <= 6; i++) { // the clock does not move between these sends
      sent.add(
          assertOk(
                  bot.send("chat_id", server.seed.chatId, "text", json("{'text':'同一毫秒" + i + "'}")))
              .getMessageId());
    }

    List<String> listed = new ArrayList<>();
    for (Message m : assertOk(bot.list(server.seed.chatId, 20, null)).getItems()) {
      listed.add(m.getMessageId());
    }

    assertThat(listed).containsExactlyElementsOf(sent);
  }

  @Test
  void list_showsCardEntitiesWithTheirCurrentCard() throws Exception {
    String cardId = bot.createCard(CardJson.streaming("旧"));
    bot.sendCardToChat(server.seed.chatId, cardId);
    assertOk(bot.content(cardId, "md_1", "新", 1));

    Message[] items = assertOk(bot.list(server.seed.chatId, 20, null)).getItems();

    assertThat(items).hasSize(1);
    assertThat(text(CardJson.parse(items[0].getBody().getContent()), "md_1")).isEqualTo("新");
  }

  @Test
  void patch_inlineInteractiveMessage_replacesTheCard() throws Exception {
    String inline = CardJson.withElements(markdown("md_1", "原始卡片"));
    String messageId =
        assertOk(bot.send("chat_id", server.seed.chatId, "interactive", inline)).getMessageId();
    clock.advance(Duration.ofSeconds(1));
    String updated = CardJson.withElements(markdown("md_1", "更新后的卡片"));

    assertOk(
        bot.patchMessage(messageId, updated),
        "ok"); // Feishu's IM PATCH answers "ok", not "success"

    Message shown = assertOk(bot.getMessage(messageId)).getItems()[0];
    assertThat(CardJson.parse(shown.getBody().getContent())).isEqualTo(CardJson.parse(updated));
    assertThat(shown.getUpdated()).isTrue();
  }

  @Test
  void patch_messageShowingCardEntity_isRefusedWith230001() throws Exception {
    String messageId =
        bot.sendCardToChat(server.seed.chatId, bot.createCard(CardJson.streaming("实体")));

    assertRefused(
        bot.patchMessage(messageId, CardJson.withElements(markdown("md_1", "x"))), 230001);
  }

  @Test
  void patch_byAnotherBotOrAfterFourteenDays_isRefused() throws Exception {
    String inline = CardJson.withElements(markdown("md_1", "原始卡片"));
    String messageId =
        assertOk(bot.send("chat_id", server.seed.chatId, "interactive", inline)).getMessageId();

    assertRefused(BotApi.other(server).patchMessage(messageId, inline), 230027);
    clock.advance(Duration.ofDays(14).plusSeconds(1));
    assertRefused(BotApi.withFreshToken(server).patchMessage(messageId, inline), 230031);
  }

  @Test
  void getMessage_unknownId_isRefusedWith230011() throws Exception {
    assertRefused(bot.getMessage("om_doesnotexist"), 230011);
  }

  @Test
  void botInfo_describesTheCallingBot() throws Exception {
    RawResponse raw = bot.sdk().get("/open-apis/bot/v3/info", null, AccessTokenType.Tenant);

    assertCommonHeaders(raw);
    JsonNode body = BotApi.rawJson(raw);
    assertThat(body.path("code").asInt(-1)).isZero();
    assertThat(body.path("bot").path("app_name").asText()).isEqualTo("Answer Bot");
    assertThat(body.path("bot").path("open_id").asText()).startsWith("ou_");
    assertThat(body.path("bot").path("activate_status").asInt()).isEqualTo(2);
  }
}
