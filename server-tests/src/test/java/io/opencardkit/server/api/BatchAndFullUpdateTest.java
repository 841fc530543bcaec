package io.opencardkit.server.api;

import static io.opencardkit.server.api.CardJson.bodyIds;
import static io.opencardkit.server.api.CardJson.element;
import static io.opencardkit.server.api.CardJson.json;
import static io.opencardkit.server.api.CardJson.markdown;
import static io.opencardkit.server.api.CardJson.text;
import static io.opencardkit.server.api.Replies.assertOk;
import static io.opencardkit.server.api.Replies.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.lark.oapi.core.utils.Jsons;
import com.lark.oapi.service.cardkit.v1.model.Action;
import com.lark.oapi.service.cardkit.v1.model.Params;
import io.opencardkit.server.testkit.BotApi;
import io.opencardkit.server.testkit.MutableClock;
import io.opencardkit.server.testkit.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * batch_update (five actions, all or nothing), full update and settings, as the sent message shows
 * them.
 */
final class BatchAndFullUpdateTest {
  /**
   * The documented example: one action of each kind, on a card holding markdown_1..3, text_1 and
   * text_2.
   */
  private static final String FIVE_ACTIONS =
      json(
          "[{'action':'partial_update_setting','params':{'settings':{'config':{'streaming_mode':true}}}},"
              + "{'action':'add_elements','params':{'type':'insert_before','target_element_id':'markdown_1',"
              + "'elements':[{'tag':'markdown','element_id':'md_1','content':'欢迎使用'}]}},"
              + "{'action':'delete_elements','params':{'element_ids':['text_1','text_2']}},"
              + "{'action':'partial_update_element','params':{'element_id':'markdown_2','partial_element':{'content':'详情参考飞书卡片相关文档。'}}},"
              + "{'action':'update_element','params':{'element_id':'markdown_3','element':{'tag':'button',"
              + "'text':{'tag':'plain_text','content':'有帮助'},'size':'medium'}}}]");

  private final MutableClock clock = MutableClock.startingNow();
  private TestServer server;
  private BotApi bot;
  private String cardId;
  private String messageId;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start(clock, Duration.ofMinutes(10));
    bot = BotApi.of(server);
    cardId =
        bot.createCard(
            CardJson.withElements(
                markdown("markdown_1", "一"),
                markdown("markdown_2", "二"),
                markdown("markdown_3", "三"),
                markdown("text_1", "删我"),
                markdown("text_2", "也删我")));
    messageId = bot.sendCardToChat(server.seed.chatId, cardId);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void batchUpdate_allFiveActions_areAppliedTogether() throws Exception {
    assertOk(bot.batch(cardId, FIVE_ACTIONS, 1));

    JsonNode card = bot.shownCard(messageId);
    assertThat(card.path("config").path("streaming_mode").asBoolean()).isTrue();
    assertThat(bodyIds(card)).containsExactly("md_1", "markdown_1", "markdown_2", "markdown_3");
    assertThat(text(card, "md_1")).isEqualTo("欢迎使用");
    assertThat(text(card, "markdown_2")).isEqualTo("详情参考飞书卡片相关文档。");
    assertThat(element(card, "markdown_3").path("tag").asText()).isEqualTo("button");
    // The batch switched streaming on, so the streaming API now accepts text.
    assertOk(bot.content(cardId, "markdown_1", "流式", 2));
  }

  @Test
  void batchUpdate_oneFailingAction_changesNothingAndKeepsTheSequence() throws Exception {
    JsonNode before = bot.shownCard(messageId);
    String failingLast =
        FIVE_ACTIONS.substring(0, FIVE_ACTIONS.length() - 1)
            + json(
                ",{'action':'partial_update_element','params':{'element_id':'ghost','partial_element':{'content':'x'}}}]");

    assertRefused(bot.batch(cardId, failingLast, 1), 300313);

    assertThat(bot.shownCard(messageId)).isEqualTo(before);
    // Nothing was applied, not even the settings action: streaming is still off.
    assertRefused(bot.content(cardId, "markdown_1", "x", 2), 300309);
    // A refused batch does not use up its sequence.
    assertOk(bot.batch(cardId, FIVE_ACTIONS, 1));
  }

  @Test
  void batchUpdate_actionsBuiltWithTheSdkModel_areAccepted() throws Exception {
    // The SDK's Params model types nested values as JSON strings: settings, partial_element and
    // each element.
    Action[] actions = {
      Action.newBuilder()
          .action("partial_update_setting")
          .params(
              Params.newBuilder()
                  .settings(json("{'config':{'summary':{'content':'模型生成'}}}"))
                  .build())
          .build(),
      Action.newBuilder()
          .action("add_elements")
          .params(
              Params.newBuilder()
                  .type("append")
                  .elements(new String[] {json(markdown("tail", "末尾"))})
                  .build())
          .build(),
      Action.newBuilder()
          .action("delete_elements")
          .params(Params.newBuilder().elementIds(new String[] {"text_1"}).build())
          .build(),
      Action.newBuilder()
          .action("partial_update_element")
          .params(
              Params.newBuilder()
                  .elementId("markdown_1")
                  .partialElement(json("{'content':'壹'}"))
                  .build())
          .build(),
      Action.newBuilder()
          .action("update_element")
          .params(
              Params.newBuilder()
                  .elementId("markdown_2")
                  .element(json(markdown("markdown_2", "贰")))
                  .build())
          .build(),
    };

    assertOk(bot.batch(cardId, Jsons.DEFAULT.toJson(actions), 1));

    JsonNode card = bot.shownCard(messageId);
    assertThat(bodyIds(card))
        .containsExactly("markdown_1", "markdown_2", "markdown_3", "text_2", "tail");
    assertThat(text(card, "markdown_1")).isEqualTo("壹");
    assertThat(text(card, "markdown_2")).isEqualTo("贰");
    assertThat(card.path("config").path("summary").path("content").asText()).isEqualTo("模型生成");
  }

  @Test
  void batchUpdate_badActionsJson_isRefusedWith10002() throws Exception {
    assertRefused(bot.batch(cardId, "[{\"action\":", 1), 10002);
    assertRefused(bot.batch(cardId, "[]", 1), 10002);
    assertRefused(bot.batch(cardId, json("[{'action':'explode','params':{}}]"), 1), 10002);
  }

  @Test
  void update_fullCard_replacesWhatTheMessageShows() throws Exception {
    String replacement =
        json(
            "{'schema':'2.0','header':{'title':{'tag':'plain_text','content':'新标题'}},"
                + "'body':{'elements':["
                + markdown("only", "全量更新后的内容")
                + "]}}");

    assertOk(bot.update(cardId, replacement, 1));

    assertThat(bot.shownCard(messageId)).isEqualTo(CardJson.parse(replacement));
  }

  @Test
  void update_cardWithStreamingOn_opensStreaming() throws Exception {
    assertOk(bot.update(cardId, CardJson.streaming("开始"), 1));

    assertOk(bot.content(cardId, "md_1", "开始流式", 2));
    assertThat(text(bot.shownCard(messageId), "md_1")).isEqualTo("开始流式");
  }

  @Test
  void settings_configWrapperAndUnwrappedForm_bothApply() throws Exception {
    assertOk(
        bot.settings(
            cardId, json("{'config':{'streaming_mode':true,'summary':{'content':'一'}}}"), 1));
    assertThat(bot.shownCard(messageId).path("config").path("streaming_mode").asBoolean()).isTrue();

    // The form the vendor's own plugin sends: config keys without the wrapper.
    assertOk(bot.settings(cardId, json("{'streaming_mode':false}"), 2));

    JsonNode config = bot.shownCard(messageId).path("config");
    assertThat(config.path("streaming_mode").asBoolean(true)).isFalse();
    assertThat(config.path("summary").path("content").asText()).isEqualTo("一");
    assertRefused(bot.content(cardId, "markdown_1", "x", 3), 300309);
  }

  @Test
  void settings_cardLink_isSetBesideConfig() throws Exception {
    assertOk(bot.settings(cardId, json("{'card_link':{'url':'https://example.com/answer'}}"), 1));

    assertThat(bot.shownCard(messageId).path("card_link").path("url").asText())
        .isEqualTo("https://example.com/answer");
  }

  @Test
  void settings_emptyOrNotJson_isRefused() throws Exception {
    assertRefused(bot.settings(cardId, "{}", 1), 300307);
    assertRefused(bot.settings(cardId, "{not json", 1), 10002);
    assertRefused(bot.settings(cardId, json("{'config':{'update_multi':false}}"), 1), 300302);
  }
}
