package io.opencardkit.server.api;

import static io.opencardkit.server.api.CardJson.json;
import static io.opencardkit.server.api.CardJson.markdown;
import static io.opencardkit.server.api.CardJson.text;
import static io.opencardkit.server.api.Replies.assertOk;
import static io.opencardkit.server.api.Replies.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.server.testkit.BotApi;
import io.opencardkit.server.testkit.Injected;
import io.opencardkit.server.testkit.OpenCardKitTest;
import io.opencardkit.server.testkit.TestServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST cardkit/v1/cards/id_convert}: from a card message to the card entity behind it. */
@OpenCardKitTest
final class IdConvertTest {
  @Injected TestServer server;
  private BotApi bot;

  @BeforeEach
  void start() {
    bot = BotApi.of(server);
  }

  @Test
  void idConvert_cardEntityMessage_returnsItsCardId() throws Exception {
    String cardId = bot.createCard(CardJson.streaming("实体"));
    String messageId = bot.sendCardToChat(server.seed.chatId, cardId);

    assertThat(assertOk(bot.idConvert(messageId)).getCardId()).isEqualTo(cardId);
  }

  @Test
  void idConvert_inlineCard_becomesACardEntityTheBotCanUpdate() throws Exception {
    String inline =
        json(
            "{'schema':'2.0','config':{'streaming_mode':true},'body':{'elements':["
                + markdown("md_1", "内联")
                + "]}}");
    String messageId =
        assertOk(bot.send("chat_id", server.seed.chatId, "interactive", inline)).getMessageId();

    String cardId = assertOk(bot.idConvert(messageId)).getCardId();

    assertThat(cardId).matches("\\d{19}");
    assertThat(assertOk(bot.idConvert(messageId)).getCardId())
        .as("converting again")
        .isEqualTo(cardId);
    assertOk(bot.content(cardId, "md_1", "内联卡片也能流式更新", 1));
    assertThat(text(bot.shownCard(messageId), "md_1")).isEqualTo("内联卡片也能流式更新");
    // The entity counts as sent: it is shown by that message.
    assertRefused(bot.sendCard("chat_id", server.seed.chatId, cardId), 230099);
  }

  @Test
  void idConvert_inlineCardOfSchemaOne_isRefusedWith300303() throws Exception {
    String oldCard =
        json(
            "{'config':{'wide_screen_mode':true},'elements':[{'tag':'div','text':{'tag':'plain_text','content':'1.0'}}]}");
    String messageId =
        assertOk(bot.send("chat_id", server.seed.chatId, "interactive", oldCard)).getMessageId();

    assertRefused(bot.idConvert(messageId), 300303);
  }

  @Test
  void idConvert_textMessageOrUnknownMessage_isRefused() throws Exception {
    String messageId =
        assertOk(bot.send("chat_id", server.seed.chatId, "text", json("{'text':'hi'}")))
            .getMessageId();

    assertRefused(bot.idConvert(messageId), 10002);
    assertRefused(bot.idConvert("om_nosuchmessage"), 230011);
  }

  @Test
  void idConvert_byAnotherApp_isRefusedWith300311() throws Exception {
    String cardId = bot.createCard(CardJson.streaming("实体"));
    String entityMessage = bot.sendCardToChat(server.seed.chatId, cardId);
    String inlineMessage =
        assertOk(
                bot.send(
                    "chat_id",
                    server.seed.chatId,
                    "interactive",
                    CardJson.withElements(markdown("m", "x"))))
            .getMessageId();

    assertRefused(BotApi.other(server).idConvert(entityMessage), 300311);
    assertRefused(BotApi.other(server).idConvert(inlineMessage), 300311);
  }
}
