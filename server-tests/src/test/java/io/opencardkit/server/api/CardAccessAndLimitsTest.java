package io.opencardkit.server.api;

import static io.opencardkit.server.api.CardJson.array;
import static io.opencardkit.server.api.CardJson.json;
import static io.opencardkit.server.api.CardJson.markdown;
import static io.opencardkit.server.api.CardJson.text;
import static io.opencardkit.server.api.Replies.assertOk;
import static io.opencardkit.server.api.Replies.assertRefused;
import static io.opencardkit.server.api.Replies.header;
import static org.assertj.core.api.Assertions.assertThat;

import com.lark.oapi.core.response.BaseResponse;
import com.lark.oapi.service.cardkit.v1.model.DeleteCardElementResp;
import com.lark.oapi.service.cardkit.v1.model.PatchCardElementResp;
import com.lark.oapi.service.im.v1.model.CreateMessageResp;
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
 * Who may use a card (300311), which card (200740), for how long (200750) and how often (99991400).
 */
final class CardAccessAndLimitsTest {
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
  void cardEndpoints_otherApp_areRefusedWith300311() throws Exception {
    String cardId = bot.createCard(CardJson.streaming("我的"));
    String messageId = bot.sendCardToChat(server.seed.chatId, cardId);

    for (BaseResponse<?> resp : everyCardEndpoint(BotApi.other(server), cardId, 1)) {
      assertRefused(resp, 300311);
    }

    assertThat(text(bot.shownCard(messageId), "md_1")).isEqualTo("我的");
    // The intruder's sequence 1 was not recorded against the card.
    assertOk(bot.content(cardId, "md_1", "还是我的", 1));
  }

  @Test
  void cardEndpoints_unknownCard_areRefusedWith200740() throws Exception {
    for (BaseResponse<?> resp : everyCardEndpoint(bot, "7355372766134157313", 1)) {
      assertRefused(resp, 200740);
    }
  }

  @Test
  void cardEndpoints_afterFourteenDays_areRefusedWith200750() throws Exception {
    String cardId = bot.createCard(CardJson.withElements(markdown("md_1", "两周")));
    String unsent = bot.createCard(CardJson.withElements(markdown("md_1", "从未发送")));
    bot.sendCardToChat(server.seed.chatId, cardId);

    clock.advance(Duration.ofDays(14).minusSeconds(1));
    BotApi later = BotApi.withFreshToken(server); // two weeks on, the old token has expired too
    assertOk(later.patchElement(cardId, "md_1", json("{'content':'最后一秒'}"), 1));
    clock.advance(Duration.ofSeconds(1));

    for (BaseResponse<?> resp : everyCardEndpoint(later, cardId, 2)) {
      assertRefused(resp, 200750);
    }
    CreateMessageResp send = later.sendCard("chat_id", server.seed.chatId, unsent);
    assertRefused(send, 230099);
    assertThat(send.getMsg()).contains("ErrCode: 200750");
  }

  @Test
  void operations_eleventhInOneSecondOutsideStreaming_isRateLimitedWith429() throws Exception {
    String cardId = bot.createCard(CardJson.withElements(markdown("md_1", "0")));
    for (int i = 1; i <= 10; i++) {
      assertOk(bot.patchElement(cardId, "md_1", json("{'content':'" + i + "'}"), i));
    }

    PatchCardElementResp eleventh = bot.patchElement(cardId, "md_1", json("{'content':'11'}"), 11);

    assertRefused(eleventh, 99991400, 429);
    assertThat(header(eleventh.getRawResponse(), "x-ogw-ratelimit-limit")).isEqualTo("10");
    assertThat(header(eleventh.getRawResponse(), "x-ogw-ratelimit-reset")).isNotBlank();
    // A second later the card accepts operations again, and the limited call had not used up
    // sequence 11.
    clock.advance(Duration.ofSeconds(1));
    assertOk(bot.patchElement(cardId, "md_1", json("{'content':'11'}"), 11));
  }

  @Test
  void operations_rateLimitIsPerCard() throws Exception {
    String busy = bot.createCard(CardJson.withElements(markdown("md_1", "0")));
    String quiet = bot.createCard(CardJson.withElements(markdown("md_1", "0")));
    for (int i = 1; i <= 10; i++) {
      assertOk(bot.patchElement(busy, "md_1", json("{'content':'" + i + "'}"), i));
    }

    assertRefused(bot.patchElement(busy, "md_1", json("{'content':'x'}"), 11), 99991400, 429);
    assertOk(bot.patchElement(quiet, "md_1", json("{'content':'x'}"), 1));
  }

  @Test
  void operations_whileStreaming_areNotRateLimited() throws Exception {
    String cardId = bot.createCard(CardJson.streaming(""));
    String messageId = bot.sendCardToChat(server.seed.chatId, cardId);
    StringBuilder answer = new StringBuilder();

    // Thirty text updates and three structural ones, all within the same instant.
    for (int i = 1; i <= 30; i++) {
      answer.append(i).append(',');
      assertOk(bot.content(cardId, "md_1", answer.toString(), i));
    }
    assertOk(bot.addElements(cardId, "append", null, array(markdown("md_2", "追加")), 31));
    assertOk(bot.patchElement(cardId, "md_2", json("{'content':'改'}"), 32));
    assertOk(bot.deleteElement(cardId, "md_2", 33));

    assertThat(text(bot.shownCard(messageId), "md_1")).isEqualTo(answer.toString());
  }

  @Test
  void operations_madeWhileStreaming_doNotCountOnceStreamingCloses() throws Exception {
    // The common pattern: stream the answer, close streaming, remove the "thinking" element, all
    // within one instant.
    String cardId =
        bot.createCard(
            json(
                "{'schema':'2.0','config':{'streaming_mode':true},'body':{'elements':["
                    + markdown("thinking", "思考中…")
                    + ","
                    + markdown("md_1", "")
                    + "]}}"));
    String messageId = bot.sendCardToChat(server.seed.chatId, cardId);
    StringBuilder answer = new StringBuilder();
    for (int i = 1; i <= 40; i++) {
      answer.append(i).append(',');
      assertOk(bot.content(cardId, "md_1", answer.toString(), i));
    }
    assertOk(bot.settings(cardId, json("{'config':{'streaming_mode':false}}"), 41));

    DeleteCardElementResp delete = bot.deleteElement(cardId, "thinking", 42);

    assertOk(delete);
    assertThat(bot.shownCard(messageId).toString()).doesNotContain("思考中");
    assertThat(text(bot.shownCard(messageId), "md_1")).isEqualTo(answer.toString());
    // The limit itself still holds for calls made after streaming closed: ten pass, the eleventh is
    // refused.
    for (int i = 43; i <= 51; i++) {
      assertOk(bot.patchElement(cardId, "md_1", json("{'content':'" + i + "'}"), i));
    }
    assertRefused(bot.patchElement(cardId, "md_1", json("{'content':'52'}"), 52), 99991400, 429);
  }

  /** One call to each of the eight card endpoints that carry a sequence, all with the same one. */
  private static List<BaseResponse<?>> everyCardEndpoint(BotApi caller, String cardId, int sequence)
      throws Exception {
    List<BaseResponse<?>> replies = new ArrayList<>();
    replies.add(caller.content(cardId, "md_1", "x", sequence));
    replies.add(caller.settings(cardId, json("{'config':{'streaming_mode':false}}"), sequence));
    replies.add(caller.update(cardId, CardJson.withElements(markdown("md_1", "x")), sequence));
    replies.add(
        caller.batch(
            cardId,
            json("[{'action':'delete_elements','params':{'element_ids':['md_1']}}]"),
            sequence));
    replies.add(caller.addElements(cardId, "append", null, array(markdown("md_9", "x")), sequence));
    replies.add(caller.updateElement(cardId, "md_1", json(markdown("md_1", "x")), sequence));
    replies.add(caller.patchElement(cardId, "md_1", json("{'content':'x'}"), sequence));
    replies.add(caller.deleteElement(cardId, "md_1", sequence));
    return replies;
  }
}
