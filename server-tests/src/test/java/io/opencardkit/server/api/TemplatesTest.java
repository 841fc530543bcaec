package io.opencardkit.server.api;

import static io.opencardkit.server.api.Replies.assertOk;
import static io.opencardkit.server.api.Replies.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.lark.oapi.service.cardkit.v1.model.CreateCardReq;
import com.lark.oapi.service.cardkit.v1.model.CreateCardReqBody;
import com.lark.oapi.service.cardkit.v1.model.CreateCardResp;
import com.lark.oapi.service.im.v1.model.CreateMessageResp;
import io.opencardkit.core.Json;
import io.opencardkit.server.testkit.BotApi;
import io.opencardkit.server.testkit.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Card templates ({@code serve --templates DIR}) through the official Java SDK: CardKit create with
 * {@code type: template}, IM send, reply and PATCH with {@code {"type":"template","data":…}},
 * Feishu's refusals, and a reloaded directory. A template card is a plain card afterwards: it
 * streams.
 */
final class TemplatesTest {
  /** The latest version: a streaming card with a text variable, a list variable and a date. */
  static final String REPORT =
      "{'schema':'2.0','config':{'streaming_mode':true,'summary':{'content':''}},"
          + "'header':{'title':{'tag':'plain_text','content':'${title}'}},'body':{'elements':["
          + "{'tag':'markdown','element_id':'answer','content':'${intro}'},"
          + "{'tag':'repeat','variable':'rows','elements':[{'tag':'markdown','element_id':'row','content':'${name}: ${duration}'}]},"
          + "{'tag':'date_picker','element_id':'due','initial_date':'${due}'}]}}";

  static final String REPORT_V1 =
      "{'schema':'2.0','header':{'title':{'tag':'plain_text','content':'v1 ${title}'}},"
          + "'body':{'elements':[{'tag':'markdown','element_id':'answer','content':'${intro}'}]}}";

  private final Path templates;
  private final TestServer server;
  private final BotApi bot;

  TemplatesTest() throws IOException {
    templates = Files.createTempDirectory("okc-templates");
    write(templates, "AAqReport001.json", REPORT);
    write(templates, "AAqReport001@1.0.0.json", REPORT_V1);
    server =
        TestServer.start(
            Clock.systemUTC(), Duration.ofMinutes(10), c -> c.withTemplates(templates));
    bot = BotApi.of(server);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void cardKitCreate_template_rendersItsVariables_andTheCardStreamsAsAnyOther() throws Exception {
    String cardId =
        assertOk(
                create(
                    data(
                        "AAqReport001",
                        null,
                        "{'title':'周报','intro':'','rows':[{'name':'王冰','duration':'1小时'},{'name':'王芳','duration':'2小时'}],'due':'2024-11-06'}")))
            .getCardId();
    String messageId = bot.sendCardToChat(server.seed.chatId, cardId);

    assertOk(bot.content(cardId, "answer", "截至今日", 1));
    assertOk(bot.content(cardId, "answer", "截至今日，完成度 80%", 2));
    assertOk(bot.settings(cardId, "{\"config\":{\"streaming_mode\":false}}", 3));

    JsonNode card = bot.shownCard(messageId);
    assertThat(card.at("/header/title/content").asText()).isEqualTo("周报");
    JsonNode elements = card.at("/body/elements");
    assertThat(elements.get(0).path("content").asText()).isEqualTo("截至今日，完成度 80%");
    assertThat(elements.get(1).path("content").asText()).isEqualTo("王冰: 1小时");
    assertThat(elements.get(2).path("element_id").asText()).isEqualTo("row_1");
    assertThat(elements.get(3).path("initial_date").asText()).isEqualTo("2024-11-06");
    assertThat(card.at("/config/streaming_mode").asBoolean()).isFalse();
  }

  @Test
  void cardKitCreate_pinnedVersion_usesThatVersionsFile() throws Exception {
    String cardId =
        assertOk(create(data("AAqReport001", "1.0.0", "{'title':'周报','intro':'hi'}"))).getCardId();
    String messageId = bot.sendCardToChat(server.seed.chatId, cardId);

    assertThat(bot.shownCard(messageId).at("/header/title/content").asText()).isEqualTo("v1 周报");
  }

  @Test
  void cardKitCreate_unknownTemplateOrVersion_badVariables_areRefusedWithFeishusCodes()
      throws Exception {
    CreateCardResp unknown = create(data("AAqNoSuch0001", null, "{}"));
    assertRefused(unknown, 200380);
    assertThat(unknown.getMsg()).contains("template does not exist", "templateID: AAqNoSuch0001");
    assertRefused(create(data("AAqReport001", "9.9.9", "{}")), 200380);
    CreateCardResp wrongType = create(data("AAqReport001", null, "{'title':true}"));
    assertRefused(wrongType, 200732);
    assertThat(wrongType.getMsg())
        .contains("varName: title", "expectType: string", "actualType: bool");
    assertRefused(create(data("AAqReport001", null, "{'rows':{'name':'x'}}")), 200732);
    CreateCardResp wrongFormat = create(data("AAqReport001", null, "{'due':'06/11/2024'}"));
    assertRefused(wrongFormat, 200737);
    assertThat(wrongFormat.getMsg()).contains("varName: due", "specifiedFormat: yyyy-MM-dd");
    assertRefused(create("{\"template_variable\":{}}"), 10002);
    assertRefused(create("not json"), 10002);
  }

  @Test
  void imSendReplyPatch_templateContent_showTheRenderedCard() throws Exception {
    String sent =
        assertOk(
                bot.send(
                    "chat_id",
                    server.seed.chatId,
                    "interactive",
                    imContent("AAqReport001", "1.0.0", "{'title':'发送','intro':'a'}")))
            .getMessageId();
    assertThat(bot.shownCard(sent).at("/header/title/content").asText()).isEqualTo("v1 发送");

    String replied =
        assertOk(
                bot.reply(
                    sent, "interactive", imContent("AAqReport001", "1.0.0", "{'title':'回复'}")))
            .getMessageId();
    assertThat(bot.shownCard(replied).at("/header/title/content").asText()).isEqualTo("v1 回复");

    assertOk(
        bot.patchMessage(sent, imContent("AAqReport001", "1.0.0", "{'title':'更新','intro':'b'}")),
        "ok");
    JsonNode patched = bot.shownCard(sent);
    assertThat(patched.at("/header/title/content").asText()).isEqualTo("v1 更新");
    assertThat(patched.at("/body/elements/0/content").asText()).isEqualTo("b");
  }

  @Test
  void imSend_template_thenIdConvert_theCardStreamsAsACardEntity() throws Exception {
    String messageId =
        assertOk(
                bot.send(
                    "chat_id",
                    server.seed.chatId,
                    "interactive",
                    imContent(
                        "AAqReport001",
                        null,
                        "{'title':'转换','rows':[{'name':'a','duration':'1'}]}")))
            .getMessageId();
    String cardId = assertOk(bot.idConvert(messageId)).getCardId();

    assertOk(bot.content(cardId, "answer", "流式", 1));

    JsonNode card = bot.shownCard(messageId);
    assertThat(card.at("/header/title/content").asText()).isEqualTo("转换");
    assertThat(card.at("/body/elements/0/content").asText()).isEqualTo("流式");
    assertThat(card.at("/body/elements/1/content").asText()).isEqualTo("a: 1");
  }

  @Test
  void imSend_templateDataAsAString_isAcceptedToo() throws Exception {
    String data = Json.write(data("AAqReport001", "1.0.0", "{'title':'字符串'}"));
    String content = Json.write(Json.object().put("type", "template").put("data", data));

    String sent =
        assertOk(bot.send("chat_id", server.seed.chatId, "interactive", content)).getMessageId();

    assertThat(bot.shownCard(sent).at("/header/title/content").asText()).isEqualTo("v1 字符串");
  }

  @Test
  void imSend_unknownTemplateOrBadVariable_isRefusedWith230099CarryingTheSubCode()
      throws Exception {
    CreateMessageResp unknown =
        bot.send(
            "chat_id", server.seed.chatId, "interactive", imContent("AAqNoSuch0001", null, "{}"));
    assertRefused(unknown, 230099);
    assertThat(unknown.getMsg()).startsWith("Failed to create card content, ext=ErrCode: 200380;");

    CreateMessageResp wrongType =
        bot.send(
            "chat_id",
            server.seed.chatId,
            "interactive",
            imContent("AAqReport001", null, "{'intro':7}"));
    assertRefused(wrongType, 230099);
    assertThat(wrongType.getMsg()).contains("ErrCode: 200732;", "varName: intro");

    assertRefused(
        bot.send(
            "chat_id", server.seed.chatId, "interactive", "{\"type\":\"template\",\"data\":{}}"),
        230001);
    assertRefused(
        bot.patchMessage(
            assertOk(
                    bot.send(
                        "chat_id",
                        server.seed.chatId,
                        "interactive",
                        imContent("AAqReport001", "1.0.0", "{}")))
                .getMessageId(),
            imContent("AAqReport001", null, "{'due':'tomorrow'}")),
        230099);
  }

  @Test
  void templatesDirectory_changedFiles_areServedAfterTheReload() throws Exception {
    assertRefused(create(data("AAqAdded0001", null, "{}")), 200380);
    write(templates, "AAqAdded0001.json", REPORT_V1.replace("v1 ", "added "));
    write(templates, "AAqReport001@1.0.0.json", REPORT_V1.replace("v1 ", "version one, edited: "));

    server
        .server()
        .templates()
        .refreshIfChanged(); // what the server's one-second timer calls, called here directly

    String added = assertOk(create(data("AAqAdded0001", null, "{'title':'新'}"))).getCardId();
    assertThat(
            bot.shownCard(bot.sendCardToChat(server.seed.chatId, added))
                .at("/header/title/content")
                .asText())
        .isEqualTo("added 新");
    String edited = assertOk(create(data("AAqReport001", "1.0.0", "{'title':'新'}"))).getCardId();
    assertThat(
            bot.shownCard(bot.sendCardToChat(server.seed.chatId, edited))
                .at("/header/title/content")
                .asText())
        .isEqualTo("version one, edited: 新");
  }

  private CreateCardResp create(JsonNode data) throws Exception {
    return create(Json.write(data));
  }

  private CreateCardResp create(String data) throws Exception {
    return bot.sdk()
        .cardkit()
        .v1()
        .card()
        .create(
            CreateCardReq.newBuilder()
                .createCardReqBody(
                    CreateCardReqBody.newBuilder().type("template").data(data).build())
                .build());
  }

  static JsonNode data(String templateId, String version, String variables) {
    var data = Json.object().put("template_id", templateId);
    if (version != null) {
      data.put("template_version_name", version);
    }
    data.set("template_variable", CardJson.parse(CardJson.json(variables)));
    return data;
  }

  static String imContent(String templateId, String version, String variables) {
    return Json.write(
        Json.object().put("type", "template").set("data", data(templateId, version, variables)));
  }

  static void write(Path dir, String name, String singleQuoted) throws IOException {
    Files.writeString(dir.resolve(name), CardJson.json(singleQuoted));
  }
}
