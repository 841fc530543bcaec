package io.opencardkit.server.api;

import static io.opencardkit.server.api.CardJson.array;
import static io.opencardkit.server.api.CardJson.bodyIds;
import static io.opencardkit.server.api.CardJson.button;
import static io.opencardkit.server.api.CardJson.element;
import static io.opencardkit.server.api.CardJson.json;
import static io.opencardkit.server.api.CardJson.markdown;
import static io.opencardkit.server.api.CardJson.text;
import static io.opencardkit.server.api.Replies.assertOk;
import static io.opencardkit.server.api.Replies.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.lark.oapi.service.im.v1.model.CreateMessageRespBody;
import io.opencardkit.server.testkit.BotApi;
import io.opencardkit.server.testkit.MutableClock;
import io.opencardkit.server.testkit.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The streaming-card guide (流式更新卡片), steps 1 to 4, as a bot author follows it with the Java SDK.
 */
final class StreamingGuideTest {
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
  void guide_stepsOneToFour_eachStepShowsInTheSentMessage() throws Exception {
    // Step 1: create the card entity with streaming on, then send it to the group chat.
    String cardId = bot.createCard(CardJson.GUIDE_CARD);
    assertThat(cardId).matches("\\d{19}");
    CreateMessageRespBody sent = assertOk(bot.sendCard("chat_id", server.seed.chatId, cardId));
    assertThat(sent.getMessageId()).startsWith("om_");
    assertThat(sent.getMsgType()).isEqualTo("interactive");
    assertThat(sent.getChatId()).isEqualTo(server.seed.chatId);
    assertThat(sent.getSender().getId()).isEqualTo(server.seed.appId);
    String messageId = sent.getMessageId();
    assertThat(bot.shownCard(messageId)).isEqualTo(CardJson.parse(CardJson.GUIDE_CARD));

    // Step 2: stream the full text each time; twice extending it (typewriter), then once replacing
    // it.
    assertOk(bot.content(cardId, "markdown_1", "卡片内容：第一段", 1));
    assertOk(bot.content(cardId, "markdown_1", "卡片内容：第一段，第二段", 2));
    assertThat(text(bot.shownCard(messageId), "markdown_1")).isEqualTo("卡片内容：第一段，第二段");
    assertOk(bot.content(cardId, "markdown_1", "重新组织后的回答", 3));
    assertThat(text(bot.shownCard(messageId), "markdown_1")).isEqualTo("重新组织后的回答");

    // Step 3: keep updating the card: a feedback button after the text.
    assertOk(
        bot.addElements(cardId, "insert_after", "markdown_1", array(button("button_1", "有帮助")), 4));
    assertThat(bodyIds(bot.shownCard(messageId))).containsExactly("markdown_1", "button_1");

    // Step 4: close streaming, then update the button as a callback handler would.
    assertOk(bot.settings(cardId, json("{'config':{'streaming_mode':false}}"), 5));
    JsonNode card = bot.shownCard(messageId);
    assertThat(card.path("config").path("streaming_mode").asBoolean(true)).isFalse();
    // Settings merge into config: what the bot did not mention stays.
    assertThat(card.path("config").path("streaming_config").path("print_strategy").asText())
        .isEqualTo("fast");
    assertOk(bot.updateElement(cardId, "button_1", json(button("button_1", "已反馈")), 6));
    assertThat(element(bot.shownCard(messageId), "button_1").path("text").path("content").asText())
        .isEqualTo("已反馈");
    assertRefused(bot.content(cardId, "markdown_1", "too late", 7), 300309);
  }

  @Test
  void send_toOpenId_deliversInTheBotsPrivateChatWithThatUser() throws Exception {
    String cardId = bot.createCard(CardJson.streaming("正在思考"));

    CreateMessageRespBody sent = assertOk(bot.sendCard("open_id", server.seed.alice, cardId));

    assertThat(sent.getChatId()).startsWith("oc_").isNotEqualTo(server.seed.chatId);
    assertOk(bot.content(cardId, "md_1", "正在思考……答案是 42", 1));
    assertThat(text(bot.shownCard(sent.getMessageId()), "md_1")).isEqualTo("正在思考……答案是 42");
  }

  @Test
  void settings_guideConfigOnExistingCard_opensStreaming() throws Exception {
    // Step 1, way two: an existing card without streaming gets it through settings.
    String cardId = bot.createCard(CardJson.withElements(markdown("md_1", "")));
    String messageId = bot.sendCardToChat(server.seed.chatId, cardId);
    assertRefused(bot.content(cardId, "md_1", "早了", 1), 300309);

    String guideSettings =
        json(
            "{'config':{'streaming_mode':true,'streaming_config':{'print_frequency_ms':{'default':70,'android':70,"
                + "'ios':70,'pc':70},'print_step':{'default':1,'android':1,'ios':1,'pc':1},'print_strategy':'fast'}}}");
    assertOk(bot.settings(cardId, guideSettings, 1, "a0d69e20-1dd1-458b-k525-dfeca4015204"));

    assertOk(bot.content(cardId, "md_1", "现在可以流式输出了", 2));
    JsonNode card = bot.shownCard(messageId);
    assertThat(text(card, "md_1")).isEqualTo("现在可以流式输出了");
    assertThat(card.path("config").path("streaming_mode").asBoolean()).isTrue();
  }

  @Test
  void content_manyUpdatesWithIncreasingSequence_lastTextWins() throws Exception {
    String cardId = bot.createCard(CardJson.streaming(""));
    String messageId = bot.sendCardToChat(server.seed.chatId, cardId);

    StringBuilder answer = new StringBuilder();
    for (int token = 1; token <= 40; token++) {
      answer.append("词").append(token).append(' ');
      assertOk(bot.content(cardId, "md_1", answer.toString(), token));
    }

    assertThat(text(bot.shownCard(messageId), "md_1")).isEqualTo(answer.toString());
  }
}
