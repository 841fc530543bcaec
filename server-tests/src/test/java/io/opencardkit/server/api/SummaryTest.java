package io.opencardkit.server.api;

import static io.opencardkit.server.api.CardJson.json;
import static io.opencardkit.server.api.CardJson.markdown;
import static io.opencardkit.server.api.Replies.assertOk;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.server.testkit.BotApi;
import io.opencardkit.server.testkit.Injected;
import io.opencardkit.server.testkit.MutableClock;
import io.opencardkit.server.testkit.OpenCardKitTest;
import io.opencardkit.server.testkit.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The chat-list preview ({@code summary} of GET im/v1/messages/:id) through a card's life. */
@OpenCardKitTest(streamingTimeout = "PT10M") // WINDOW
final class SummaryTest {
  private static final Duration WINDOW = Duration.ofMinutes(10);
  private static final String GENERATING = "[生成中...]";

  @Injected MutableClock clock;
  @Injected TestServer server;
  private BotApi bot;

  @BeforeEach
  void start() {
    bot = BotApi.of(server);
  }

  @Test
  void summary_streamingWithoutCustomSummary_isGenerating() throws Exception {
    // The guide's card sets summary.content to "", which means "no custom summary".
    String cardId = bot.createCard(CardJson.GUIDE_CARD);
    String messageId = bot.sendCardToChat(server.seed.chatId, cardId);

    assertThat(bot.summary(messageId)).isEqualTo(GENERATING);
    assertOk(bot.content(cardId, "markdown_1", "已经有内容了", 1));
    assertThat(bot.summary(messageId)).isEqualTo(GENERATING);
  }

  @Test
  void summary_afterStreamingCloses_isDerivedFromTheTitle() throws Exception {
    String cardId = bot.createCard(CardJson.GUIDE_CARD);
    String messageId = bot.sendCardToChat(server.seed.chatId, cardId);

    assertOk(bot.settings(cardId, json("{'config':{'streaming_mode':false}}"), 1));

    assertThat(bot.summary(messageId)).isEqualTo("卡片标题");
  }

  @Test
  void summary_afterStreamingClosesOnCardWithoutTitle_isItsFirstText() throws Exception {
    String cardId = bot.createCard(CardJson.streaming(""));
    String messageId = bot.sendCardToChat(server.seed.chatId, cardId);
    assertOk(bot.content(cardId, "md_1", "答案是 **42**", 1));

    assertOk(bot.settings(cardId, json("{'streaming_mode':false}"), 2));

    assertThat(bot.summary(messageId)).isEqualTo("答案是 **42**");
  }

  @Test
  void summary_afterTheWindowRunsOut_isDerivedWithoutAnyCall() throws Exception {
    String cardId = bot.createCard(CardJson.streaming("超时后的预览"));
    String messageId = bot.sendCardToChat(server.seed.chatId, cardId);
    assertThat(bot.summary(messageId)).isEqualTo(GENERATING);

    clock.advance(WINDOW);

    assertThat(bot.summary(messageId)).isEqualTo("超时后的预览");
  }

  @Test
  void summary_customWhileStreaming_isShownAndSurvivesClosing() throws Exception {
    String card =
        json(
            "{'schema':'2.0','config':{'streaming_mode':true,'summary':{'content':'正在为你生成答案'}},"
                + "'body':{'elements':["
                + markdown("md_1", "")
                + "]}}");
    String cardId = bot.createCard(card);
    String messageId = bot.sendCardToChat(server.seed.chatId, cardId);

    assertThat(bot.summary(messageId)).isEqualTo("正在为你生成答案");
    assertOk(bot.content(cardId, "md_1", "完整答案", 1));
    assertOk(bot.settings(cardId, json("{'streaming_mode':false}"), 2));
    // Closing streaming does not change a custom summary (guide FAQ); the bot changes it with
    // settings.
    assertThat(bot.summary(messageId)).isEqualTo("正在为你生成答案");
    assertOk(bot.settings(cardId, json("{'config':{'summary':{'content':'答案已生成'}}}"), 3));
    assertThat(bot.summary(messageId)).isEqualTo("答案已生成");
  }

  @Test
  void summary_textAndInlineCardMessages_areTheirText() throws Exception {
    String text =
        assertOk(bot.send("chat_id", server.seed.chatId, "text", json("{'text':'你好'}")))
            .getMessageId();
    String inline =
        assertOk(
                bot.send(
                    "chat_id",
                    server.seed.chatId,
                    "interactive",
                    CardJson.withElements(markdown("m", "内联卡片"))))
            .getMessageId();

    assertThat(bot.summary(text)).isEqualTo("你好");
    assertThat(bot.summary(inline)).isEqualTo("内联卡片");
  }
}
