package io.opencardkit.server.api;

import static io.opencardkit.server.api.CardJson.button;
import static io.opencardkit.server.api.CardJson.json;
import static io.opencardkit.server.api.CardJson.markdown;
import static io.opencardkit.server.api.CardJson.text;
import static io.opencardkit.server.api.Replies.assertOk;
import static io.opencardkit.server.api.Replies.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import com.lark.oapi.service.cardkit.v1.model.ContentCardElementResp;
import io.opencardkit.server.testkit.Await;
import io.opencardkit.server.testkit.BotApi;
import io.opencardkit.server.testkit.MutableClock;
import io.opencardkit.server.testkit.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The streaming window and the text API: which element, when, how much. */
final class StreamingLifecycleTest {
  private static final Duration WINDOW = Duration.ofMinutes(10);

  private final MutableClock clock = MutableClock.startingNow();
  private TestServer server;
  private BotApi bot;

  @BeforeEach
  void start() {
    server = TestServer.start(clock, WINDOW);
    bot = BotApi.of(server);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void content_cardNotStreaming_isRefusedWith300309() throws Exception {
    String cardId = bot.createCard(CardJson.withElements(markdown("md_1", "静态")));

    ContentCardElementResp resp = bot.content(cardId, "md_1", "x", 1);

    assertRefused(resp, 300309);
    assertThat(resp.getMsg()).isEqualTo("ErrMsg: streaming mode is closed; ");
  }

  @Test
  void content_onButton_isRefusedWith300310() throws Exception {
    String cardId = bot.createCard(streamingCardWith(markdown("md_1", "x"), button("btn_1", "按钮")));

    assertRefused(bot.content(cardId, "btn_1", "x", 1), 300310);
  }

  @Test
  void content_unknownElement_isRefusedWith300313() throws Exception {
    String cardId = bot.createCard(CardJson.streaming("x"));

    ContentCardElementResp resp = bot.content(cardId, "ghost", "x", 1);

    assertRefused(resp, 300313);
    assertThat(resp.getMsg()).contains("not find elementID : ghost");
  }

  @Test
  void content_plainTextElementOrEmptyText_isAccepted() throws Exception {
    String div = "{'tag':'div','text':{'tag':'plain_text','element_id':'txt_1','content':'旧'}}";
    String cardId = bot.createCard(streamingCardWith(div, markdown("md_1", "x")));
    String messageId = bot.sendCardToChat(server.seed.chatId, cardId);

    assertOk(bot.content(cardId, "txt_1", "纯文本也能流式", 1));
    // The official Java sample streams an empty text.
    assertOk(bot.content(cardId, "md_1", "", 2));

    assertThat(text(bot.shownCard(messageId), "txt_1")).isEqualTo("纯文本也能流式");
    assertThat(text(bot.shownCard(messageId), "md_1")).isEmpty();
  }

  @Test
  void content_elementIdAlsoUsedInsideCallbackValue_targetsTheElement() throws Exception {
    // Bots commonly tell their callback handler which answer a button belongs to. That value is the
    // bot's own data,
    // not a card element, even when it has an element_id key.
    String feedback =
        "{'tag':'button','element_id':'btn_1','text':{'tag':'plain_text','content':'有帮助'},"
            + "'value':{'action':'feedback','element_id':'md_1'}}";
    String cardId = bot.createCard(streamingCardWith(feedback, markdown("md_1", "")));
    String messageId = bot.sendCardToChat(server.seed.chatId, cardId);

    assertOk(bot.content(cardId, "md_1", "答案", 1));
    assertOk(bot.patchElement(cardId, "md_1", json("{'text_align':'center'}"), 2));

    assertThat(text(bot.shownCard(messageId), "md_1")).isEqualTo("答案");
    assertThat(
            CardJson.element(bot.shownCard(messageId), "btn_1")
                .path("value")
                .path("element_id")
                .asText())
        .isEqualTo("md_1");
  }

  @Test
  void content_over100000Characters_isRefusedWith10002() throws Exception {
    String cardId = bot.createCard(CardJson.streaming(""));

    assertRefused(bot.content(cardId, "md_1", "a".repeat(100_001), 1), 10002);
  }

  @Test
  void content_afterTheWindowRanOut_is200850ThenAlways300309() throws Exception {
    String cardId = bot.createCard(CardJson.streaming(""));
    String messageId = bot.sendCardToChat(server.seed.chatId, cardId);
    assertOk(bot.content(cardId, "md_1", "还在窗口内", 1));

    clock.advance(WINDOW);

    ContentCardElementResp first = bot.content(cardId, "md_1", "太晚了", 2);
    assertRefused(first, 200850);
    assertThat(first.getMsg()).isEqualTo("ErrMsg: card streaming timeout; ");
    assertRefused(bot.content(cardId, "md_1", "太晚了", 3), 300309);
    assertRefused(bot.content(cardId, "md_1", "太晚了", 4), 300309);
    assertThat(bot.shownCard(messageId).path("config").path("streaming_mode").asBoolean(true))
        .isFalse();
    assertThat(text(bot.shownCard(messageId), "md_1")).isEqualTo("还在窗口内");
  }

  @Test
  void content_afterTheServerClosedTheWindowByItself_stillHears200850First() throws Exception {
    String cardId = bot.createCard(CardJson.streaming(""));
    String messageId = bot.sendCardToChat(server.seed.chatId, cardId);

    clock.advance(WINDOW.plusSeconds(1));
    // The server's housekeeping closes the window without any call; wait until the message shows
    // it.
    Await.until(
        Duration.ofSeconds(10),
        () -> !bot.shownCard(messageId).path("config").path("streaming_mode").asBoolean(true));

    // Regression: the bot used to hear only 300309 here, never learning that the window ran out.
    assertRefused(bot.content(cardId, "md_1", "太晚了", 1), 200850);
    assertRefused(bot.content(cardId, "md_1", "太晚了", 2), 300309);
  }

  @Test
  void settings_reopenAfterTimeout_startsANewWindow() throws Exception {
    String cardId = bot.createCard(CardJson.streaming(""));
    String messageId = bot.sendCardToChat(server.seed.chatId, cardId);
    clock.advance(WINDOW.plusMinutes(5));
    assertRefused(bot.content(cardId, "md_1", "x", 1), 200850);

    assertOk(bot.settings(cardId, json("{'config':{'streaming_mode':true}}"), 2));

    assertOk(bot.content(cardId, "md_1", "第二个窗口", 3));
    clock.advance(WINDOW.minusSeconds(1));
    assertOk(bot.content(cardId, "md_1", "第二个窗口快结束了", 4));
    clock.advance(Duration.ofSeconds(1));
    assertRefused(bot.content(cardId, "md_1", "第二个窗口结束了", 5), 200850);
    assertThat(text(bot.shownCard(messageId), "md_1")).isEqualTo("第二个窗口快结束了");
  }

  @Test
  void settings_closedByTheBot_is300309Not200850() throws Exception {
    String cardId = bot.createCard(CardJson.streaming(""));
    assertOk(bot.settings(cardId, json("{'streaming_mode':false}"), 1));
    clock.advance(WINDOW.multipliedBy(2));

    assertRefused(bot.content(cardId, "md_1", "x", 2), 300309);
  }

  @Test
  void otherOperations_afterTheWindowRanOut_stillWork() throws Exception {
    String cardId = bot.createCard(CardJson.streaming("答案"));
    String messageId = bot.sendCardToChat(server.seed.chatId, cardId);
    clock.advance(WINDOW.plusSeconds(1));

    assertOk(bot.addElements(cardId, "append", null, CardJson.array(button("btn_1", "有帮助")), 1));
    assertOk(bot.patchElement(cardId, "md_1", json("{'content':'最终答案'}"), 2));

    assertThat(text(bot.shownCard(messageId), "md_1")).isEqualTo("最终答案");
  }

  @Test
  void content_growingTheCardPast30KB_isRefusedWith200860AndKeepsTheText() throws Exception {
    String cardId = bot.createCard(CardJson.streaming(""));
    String messageId = bot.sendCardToChat(server.seed.chatId, cardId);
    String longAnswer = "长".repeat(9_000); // 27,000 bytes
    assertOk(bot.content(cardId, "md_1", longAnswer, 1));

    assertRefused(bot.content(cardId, "md_1", longAnswer + "长".repeat(2_000), 2), 200860);

    assertThat(text(bot.shownCard(messageId), "md_1")).isEqualTo(longAnswer);
    assertOk(bot.settings(cardId, json("{'streaming_mode':false}"), 3));
  }

  @Test
  void content_sizeLimit_countsTheTextAsItIsWrittenInTheCardJson() throws Exception {
    String cardId = bot.createCard(CardJson.streaming(""));
    String messageId = bot.sendCardToChat(server.seed.chatId, cardId);
    // 24,000 characters, but newlines and quotes take two bytes each in the card JSON: 36,000
    // bytes.
    String escapedHeavy = "\"\n".repeat(6_000) + "a\n".repeat(6_000);

    // Regression: the server used to count raw UTF-8, accept this text, and then refuse every later
    // change of the
    // card (even closing streaming) with 200860 because the stored card was over 30 KB.
    assertRefused(bot.content(cardId, "md_1", escapedHeavy, 1), 200860);

    String fits = "a\n".repeat(7_000); // 14,000 characters, 21,000 bytes in JSON
    assertOk(bot.content(cardId, "md_1", fits, 2));
    assertOk(bot.settings(cardId, json("{'streaming_mode':false}"), 3));
    assertThat(text(bot.shownCard(messageId), "md_1")).isEqualTo(fits);
  }

  private static String streamingCardWith(String... elements) {
    return json(
        "{'schema':'2.0','config':{'streaming_mode':true},'body':{'elements':["
            + String.join(",", elements)
            + "]}}");
  }
}
