package io.opencardkit.server.api;

import static io.opencardkit.server.api.CardJson.json;
import static io.opencardkit.server.api.CardJson.markdown;
import static io.opencardkit.server.api.Replies.assertOk;
import static io.opencardkit.server.api.Replies.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.lark.oapi.service.im.v1.model.CreateMessageReactionReq;
import com.lark.oapi.service.im.v1.model.CreateMessageReactionReqBody;
import com.lark.oapi.service.im.v1.model.DeleteMessageReq;
import com.lark.oapi.service.im.v1.model.DeleteMessageResp;
import com.lark.oapi.service.im.v1.model.Emoji;
import com.lark.oapi.service.im.v1.model.Message;
import com.lark.oapi.service.im.v1.model.UpdateMessageReq;
import com.lark.oapi.service.im.v1.model.UpdateMessageReqBody;
import com.lark.oapi.service.im.v1.model.UpdateMessageResp;
import com.lark.oapi.service.im.v1.model.UpdateMessageRespBody;
import io.opencardkit.core.Json;
import io.opencardkit.server.testkit.BotApi;
import io.opencardkit.server.testkit.Injected;
import io.opencardkit.server.testkit.MutableClock;
import io.opencardkit.server.testkit.OpenCardKitTest;
import io.opencardkit.server.testkit.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A bot recalls its own messages ({@code DELETE im/v1/messages/:message_id}) and edits its text and
 * post messages ({@code PUT}), through the official SDK's own methods, with Feishu's codes for
 * everything it may not do.
 */
@OpenCardKitTest
final class RecallAndEditTest {
  @Injected MutableClock clock;
  @Injected TestServer server;
  private BotApi bot;

  @BeforeEach
  void start() {
    bot = BotApi.of(server);
  }

  private String sendText(String text) throws Exception {
    return assertOk(
            bot.send("chat_id", server.seed.chatId, "text", json("{'text':'" + text + "'}")))
        .getMessageId();
  }

  private DeleteMessageResp recall(BotApi caller, String messageId) throws Exception {
    return caller
        .sdk()
        .im()
        .v1()
        .message()
        .delete(DeleteMessageReq.newBuilder().messageId(messageId).build());
  }

  private UpdateMessageResp edit(BotApi caller, String messageId, String msgType, String content)
      throws Exception {
    return caller
        .sdk()
        .im()
        .v1()
        .message()
        .update(
            UpdateMessageReq.newBuilder()
                .messageId(messageId)
                .updateMessageReqBody(
                    UpdateMessageReqBody.newBuilder().msgType(msgType).content(content).build())
                .build());
  }

  private Message read(String messageId) throws Exception {
    return assertOk(bot.getMessage(messageId)).getItems()[0];
  }

  // --- recall
  // --------------------------------------------------------------------------------------------------------

  @Test
  void recall_ownMessage_readsAsRecalledAndLaterCallsHear230011() throws Exception {
    String messageId = sendText("思考中…");

    assertOk(recall(bot, messageId));

    Message recalled = read(messageId);
    assertThat(recalled.getDeleted()).isTrue();
    assertThat(recalled.getBody().getContent()).isEqualTo("This message was recalled");
    assertThat(bot.summary(messageId)).isEqualTo("此消息已撤回");
    assertRefused(recall(bot, messageId), 230011);
    assertRefused(edit(bot, messageId, "text", json("{'text':'改'}")), 230011);
    assertRefused(bot.reply(messageId, "text", json("{'text':'回复'}")), 230011);
    assertThat(bot.reply(messageId, "text", json("{'text':'回复'}")).getMsg()).contains("recalled");
    CreateMessageReactionReq react =
        CreateMessageReactionReq.newBuilder()
            .messageId(messageId)
            .createMessageReactionReqBody(
                CreateMessageReactionReqBody.newBuilder()
                    .reactionType(Emoji.newBuilder().emojiType("OK").build())
                    .build())
            .build();
    assertRefused(bot.sdk().im().v1().messageReaction().create(react), 231003);
  }

  @Test
  void recall_cardMessage_keepsItsPlaceInTheListAsRecalled() throws Exception {
    String cardId = bot.createCard(CardJson.withElements(markdown("md_1", "错误的回答")));
    String messageId = bot.sendCardToChat(server.seed.chatId, cardId);
    String after = sendText("正确的回答");

    assertOk(recall(bot, messageId));

    Message[] items = assertOk(bot.list(server.seed.chatId, 20, null)).getItems();
    assertThat(items).extracting(Message::getMessageId).containsExactly(messageId, after);
    assertThat(items[0].getDeleted()).isTrue();
    assertThat(items[1].getDeleted()).isFalse();
    assertRefused(
        bot.patchMessage(messageId, CardJson.withElements(markdown("md_1", "x"))), 230011);
    assertRefused(bot.idConvert(messageId), 230011);
  }

  @Test
  void recall_someoneElsesMessage_isRefusedWith230026() throws Exception {
    String fromAlice = say(server.seed.chatId, server.seed.alice, "大家好");

    assertRefused(recall(bot, fromAlice), 230026);

    assertThat(read(fromAlice).getDeleted()).isFalse();
  }

  @Test
  void recall_byABotOutsideTheChat_isRefusedWith230002() throws Exception {
    String messageId = sendText("只在群里");

    assertRefused(recall(BotApi.other(server), messageId), 230002);

    assertThat(read(messageId).getDeleted()).isFalse();
  }

  @Test
  void recall_unknownMessage_isRefusedWith230011() throws Exception {
    assertRefused(recall(bot, "om_00000000000000000000000000000000"), 230011);
  }

  // --- edit
  // ----------------------------------------------------------------------------------------------------------

  @Test
  void edit_text_replacesTheContentAndReadsAsUpdated() throws Exception {
    String messageId = sendText("第一版");
    clock.advance(Duration.ofSeconds(5));

    UpdateMessageRespBody edited = assertOk(edit(bot, messageId, "text", json("{'text':'第二版'}")));

    assertThat(edited.getMessageId()).isEqualTo(messageId);
    assertThat(edited.getMsgType()).isEqualTo("text");
    assertThat(edited.getBody().getContent()).isEqualTo(json("{'text':'第二版'}"));
    Message read = read(messageId);
    assertThat(read.getBody().getContent()).isEqualTo(json("{'text':'第二版'}"));
    assertThat(read.getUpdated()).isTrue();
    assertThat(read.getDeleted()).isFalse();
    assertThat(Long.parseLong(read.getUpdateTime()))
        .isEqualTo(Long.parseLong(read.getCreateTime()) + 5000);
  }

  @Test
  void edit_textIntoPost_isAccepted() throws Exception {
    String messageId = sendText("一段");
    String post =
        json("{'title':'','content':[[{'tag':'text','text':'两段'}],[{'tag':'text','text':'第二段'}]]}");

    assertOk(edit(bot, messageId, "post", post));

    Message read = read(messageId);
    assertThat(read.getMsgType()).isEqualTo("post");
    assertThat(read.getBody().getContent()).isEqualTo(post);
  }

  @Test
  void edit_twentyTimes_thenTheTwentyFirstIsRefusedWith230072() throws Exception {
    String messageId = sendText("v0");
    for (int i = 1; i <= 20; i++) {
      assertOk(edit(bot, messageId, "text", json("{'text':'v" + i + "'}")));
    }

    assertRefused(edit(bot, messageId, "text", json("{'text':'v21'}")), 230072);

    assertThat(read(messageId).getBody().getContent()).isEqualTo(json("{'text':'v20'}"));
  }

  @Test
  void edit_someoneElsesMessage_isRefusedWith230071() throws Exception {
    String fromAlice = say(server.seed.chatId, server.seed.alice, "原话");

    assertRefused(edit(bot, fromAlice, "text", json("{'text':'篡改'}")), 230071);

    assertThat(read(fromAlice).getBody().getContent()).isEqualTo(json("{'text':'原话'}"));
  }

  @Test
  void edit_cardMessage_isRefusedWith230054() throws Exception {
    String messageId =
        assertOk(
                bot.send(
                    "chat_id",
                    server.seed.chatId,
                    "interactive",
                    CardJson.withElements(markdown("md_1", "卡片"))))
            .getMessageId();

    assertRefused(edit(bot, messageId, "text", json("{'text':'文本'}")), 230054);
  }

  @Test
  void edit_toAnotherTypeOrBadContent_isRefusedWith230001() throws Exception {
    String messageId = sendText("原文");

    assertRefused(
        edit(bot, messageId, "interactive", CardJson.withElements(markdown("md_1", "x"))), 230001);
    assertRefused(edit(bot, messageId, "text", json("{'nope':'x'}")), 230001);
    assertRefused(edit(bot, messageId, "text", "not json"), 230001);

    assertThat(read(messageId).getBody().getContent()).isEqualTo(json("{'text':'原文'}"));
  }

  @Test
  void edit_overFeishusSizeLimits_isRefusedWith230025() throws Exception {
    String messageId = sendText("短");
    String longText = "长".repeat(60_000); // 180 KB of UTF-8: over the 150 KB of a text
    String longPost =
        "{\"title\":\"\",\"content\":[[{\"tag\":\"text\",\"text\":\""
            + "长".repeat(11_000)
            + "\"}]]}"; // over 30 KB

    assertRefused(
        edit(bot, messageId, "text", Json.write(Json.object().put("text", longText))), 230025);
    assertRefused(edit(bot, messageId, "post", longPost), 230025);

    assertThat(read(messageId).getBody().getContent()).isEqualTo(json("{'text':'短'}"));
  }

  @Test
  void edit_afterRecall_isRefusedWith230011() throws Exception {
    String messageId = sendText("将被撤回");
    assertOk(recall(bot, messageId));

    assertRefused(edit(bot, messageId, "text", json("{'text':'太迟'}")), 230011);
  }

  /** A user's message, posted from the web chat's composer. */
  private String say(String chatId, String openId, String text) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    server.baseUrl() + "/web/api/chats/" + chatId + "/messages?user=" + openId))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(Json.write(Json.object().put("text", text))))
            .build();
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode view = Json.parseOrNull(response.body());
    return view.get("message_id").asText();
  }
}
