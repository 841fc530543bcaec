package io.opencardkit.demobot;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.lark.oapi.Client;
import com.lark.oapi.core.utils.Jsons;
import com.lark.oapi.event.EventDispatcher;
import com.lark.oapi.event.cardcallback.model.P2CardActionTrigger;
import com.lark.oapi.event.cardcallback.model.P2CardActionTriggerResponse;
import com.lark.oapi.service.im.v1.model.EventMessage;
import com.lark.oapi.service.im.v1.model.GetMessageReq;
import com.lark.oapi.service.im.v1.model.GetMessageResp;
import com.lark.oapi.service.im.v1.model.ListMessageReq;
import com.lark.oapi.service.im.v1.model.P2MessageReceiveV1;
import io.opencardkit.client.CardRef;
import io.opencardkit.client.CardStream;
import io.opencardkit.client.CardStreams;
import io.opencardkit.server.testkit.TestServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo bot's message → answer → feedback logic against a real server. Events go through the
 * bot's {@link EventDispatcher} as JSON, exactly as the long connection would hand them over; only
 * the WebSocket is left out (its server side is not part of this module).
 */
final class DemoBotTest {
  private static TestServer server;
  private static CardStreams streams;
  private static DemoBot bot;
  private static EventDispatcher dispatcher;
  private static final SimulatedModel MODEL = new SimulatedModel(0);

  @BeforeAll
  static void start() {
    server = TestServer.start();
    Client sdk =
        Client.newBuilder(server.seed.appId, server.seed.appSecret)
            .openBaseUrl(server.baseUrl())
            .build();
    streams = CardStreams.builder(sdk).build();
    bot = new DemoBot(streams, MODEL);
    dispatcher = bot.dispatcher();
  }

  @AfterAll
  static void stop() {
    bot.close();
    server.close();
  }

  @Test
  void message_isAnsweredWithAStreamedReply_closedWithASummary_andFeedbackBelow() throws Throwable {
    String question = postAsAlice("什么是流式卡片？");

    dispatcher.doWithoutValidation(messageEvent(question, "什么是流式卡片？"));
    List<CardRef> cards =
        bot.onMessage(parsedMessageEvent(question, "什么是流式卡片？")).get(30, TimeUnit.SECONDS);

    assertThat(cards).hasSize(1);
    String answerId = cards.get(0).messageId();
    JsonObject message = item(answerId);
    assertThat(message.get("parent_id").getAsString()).isEqualTo(question);
    assertThat(message.get("summary").getAsString()).isEqualTo("演示回答：什么是流式卡片？");
    JsonObject card =
        JsonParser.parseString(message.getAsJsonObject("body").get("content").getAsString())
            .getAsJsonObject();
    assertThat(card.getAsJsonObject("config").get("streaming_mode").getAsBoolean()).isFalse();
    assertThat(find(card, CardStream.TEXT_ELEMENT_ID).get("content").getAsString())
        .isEqualTo(MODEL.answer("什么是流式卡片？"));
    assertThat(find(card, "feedback_yes")).isNotNull();
    assertThat(find(card, "feedback_no")).isNotNull();
    // the redelivered event (same message id) was answered once
    assertThat(answersTo(question)).isEqualTo(1);
  }

  @Test
  void feedback_thanksWithAToast_andReplacesTheSelectorOnTheCard() throws Throwable {
    String question = postAsAlice("帮我总结一下");
    String answerId = answer(question, "帮我总结一下");

    Object response = dispatcher.doWithoutValidation(actionEvent(answerId, FeedbackCard.HELPFUL));

    assertThat(response).isInstanceOf(P2CardActionTriggerResponse.class);
    assertThat(((P2CardActionTriggerResponse) response).getToast().getContent()).isEqualTo("感谢反馈！");
    // what the long connection sends back to the server
    assertThat(Jsons.DEFAULT.toJson(response)).contains("\"toast\"", "\"type\":\"success\"");
    // a second click only gets a toast, and hands back the first click's update to wait for
    DemoBot.Feedback again = bot.onCardAction(parsedActionEvent(answerId, FeedbackCard.UNHELPFUL));
    assertThat(again.response().getToast().getContent()).isEqualTo("已经收到你的反馈了");
    again.cardUpdated().get(30, TimeUnit.SECONDS);

    JsonObject card = shownCard(answerId);
    assertThat(find(card, FeedbackCard.ELEMENT_ID).get("tag").getAsString()).isEqualTo("markdown");
    assertThat(find(card, FeedbackCard.ELEMENT_ID).get("content").getAsString())
        .contains("感谢反馈", "有帮助");
    assertThat(find(card, "feedback_yes")).isNull();
    assertThat(find(card, CardStream.TEXT_ELEMENT_ID).get("content").getAsString())
        .isEqualTo(MODEL.answer("帮我总结一下"));
  }

  @Test
  void feedbackOnACardThisRunDidNotAnswer_onlyThanks() throws Exception {
    DemoBot.Feedback feedback =
        bot.onCardAction(
            parsedActionEvent("om_unknown00000000000000000000000", FeedbackCard.HELPFUL));
    assertThat(feedback.response().getToast().getContent()).isEqualTo("感谢反馈！");
    assertThat(feedback.cardUpdated()).isCompleted();
  }

  @Test
  void otherCallbacks_getAnEmptyResponse() throws Throwable {
    JsonObject event =
        JsonParser.parseString(new String(actionEvent("om_x", "x"), StandardCharsets.UTF_8))
            .getAsJsonObject();
    event
        .getAsJsonObject("event")
        .getAsJsonObject("action")
        .add("value", JsonParser.parseString("{\"other\":\"button\"}"));
    Object response =
        dispatcher.doWithoutValidation(event.toString().getBytes(StandardCharsets.UTF_8));
    assertThat(((P2CardActionTriggerResponse) response).getToast()).isNull();
  }

  @Test
  void messagesFromBots_areNotAnswered() throws Exception {
    String question = postAsAlice("from a bot?");
    P2MessageReceiveV1 event = parsedMessageEvent(question, "from a bot?");
    event.getEvent().getSender().setSenderType("app");

    assertThat(bot.onMessage(event).get(5, TimeUnit.SECONDS)).isEmpty();
    assertThat(answersTo(question)).isZero();
  }

  @Test
  void promptOf_stripsMentions_andDescribesOtherMessageTypes() {
    assertThat(DemoBot.promptOf(message("text", "{\"text\":\"@_user_1 今天天气？\"}")))
        .isEqualTo("今天天气？");
    assertThat(DemoBot.promptOf(message("text", "{\"text\":\"@_user_1\"}"))).isEqualTo("你好");
    assertThat(DemoBot.promptOf(message("image", "{\"image_key\":\"img_x\"}")))
        .isEqualTo("一条image消息");
    assertThat(DemoBot.promptOf(message("text", "{\"text\":\"第一行\\n第二行\"}"))).isEqualTo("第一行\n第二行");
    // A question of several paragraphs arrives as a post (the web chat sends it so, as the Feishu
    // client does).
    assertThat(
            DemoBot.promptOf(
                message(
                    "post",
                    "{\"title\":\"\",\"content\":[[{\"tag\":\"at\",\"user_id\":\"@_user_1\",\"user_name\":\"Demo Bot\"},"
                        + "{\"tag\":\"text\",\"text\":\" 什么是流式卡片？\"}],[],[{\"tag\":\"text\",\"text\":\"请举个例子。\"}]]}")))
        .isEqualTo("什么是流式卡片？\n\n请举个例子。");
    assertThat(DemoBot.summaryOf("a".repeat(50))).hasSize("演示回答：".length() + 30).endsWith("…");
  }

  @Test
  void start_returnsAtOnce_andCloseEndsTheLongConnection() throws Exception {
    LongConnection connection =
        new LongConnection(server.baseUrl(), server.seed.appId, server.seed.appSecret, dispatcher);
    connection.start();
    awaitLongConnections(1);
    connection.close();
    awaitLongConnections(0); // the server sees the socket closed
    assertThat(connection.awaitConnectThreadStopped(30_000)).isTrue();

    DemoBot.Running running =
        DemoBot.start(server.baseUrl(), server.seed.appId, server.seed.appSecret);
    running.close();
  }

  // --- helpers
  // ------------------------------------------------------------------------------------------------------

  private static void awaitLongConnections(int expected) {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (server.server().bots().longConnectionCount(server.seed.appId) != expected) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "expected " + expected + " long connections of " + server.seed.appId);
      }
      Thread.onSpinWait();
    }
  }

  /**
   * Posts a message as Alice in the group chat through the web chat's API; returns its message id.
   */
  private static String postAsAlice(String text) throws Exception {
    JsonObject body = new JsonObject();
    body.addProperty("text", text);
    String url =
        server.baseUrl()
            + "/web/api/chats/"
            + server.seed.chatId
            + "/messages?user="
            + URLEncoder.encode(server.seed.alice, StandardCharsets.UTF_8);
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JsonParser.parseString(response.body())
        .getAsJsonObject()
        .get("message_id")
        .getAsString();
  }

  private static String answer(String question, String text) throws Exception {
    return bot.onMessage(parsedMessageEvent(question, text))
        .get(30, TimeUnit.SECONDS)
        .get(0)
        .messageId();
  }

  /** {@code im.message.receive_v1} as Feishu delivers it (schema 2.0). */
  private static byte[] messageEvent(String messageId, String text) {
    JsonObject content = new JsonObject();
    content.addProperty("text", text);
    String json =
        "{\"schema\":\"2.0\",\"header\":{\"event_id\":\""
            + UUID.randomUUID()
            + "\",\"event_type\":\"im.message.receive_v1\","
            + "\"create_time\":\""
            + System.currentTimeMillis()
            + "\",\"token\":\"\",\"app_id\":\""
            + server.seed.appId
            + "\",\"tenant_key\":\"t\"},"
            + "\"event\":{\"sender\":{\"sender_id\":{\"open_id\":\""
            + server.seed.alice
            + "\"},\"sender_type\":\"user\",\"tenant_key\":\"t\"},"
            + "\"message\":{\"message_id\":\""
            + messageId
            + "\",\"chat_id\":\""
            + server.seed.chatId
            + "\",\"chat_type\":\"group\","
            + "\"message_type\":\"text\",\"content\":"
            + new com.google.gson.JsonPrimitive(content.toString())
            + ","
            + "\"create_time\":\""
            + System.currentTimeMillis()
            + "\"}}}";
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private static P2MessageReceiveV1 parsedMessageEvent(String messageId, String text) {
    return Jsons.DEFAULT.fromJson(
        new String(messageEvent(messageId, text), StandardCharsets.UTF_8),
        P2MessageReceiveV1.class);
  }

  /**
   * {@code card.action.trigger} for a click on a feedback button of the answer message {@code
   * messageId}.
   */
  private static byte[] actionEvent(String messageId, String vote) {
    String json =
        "{\"schema\":\"2.0\",\"header\":{\"event_id\":\""
            + UUID.randomUUID()
            + "\",\"event_type\":\"card.action.trigger\","
            + "\"create_time\":\""
            + System.currentTimeMillis()
            + "\",\"token\":\"\",\"app_id\":\""
            + server.seed.appId
            + "\",\"tenant_key\":\"t\"},"
            + "\"event\":{\"operator\":{\"open_id\":\""
            + server.seed.alice
            + "\"},\"token\":\"c-test\","
            + "\"action\":{\"value\":{\"okc_demo\":\"feedback\",\"vote\":\""
            + vote
            + "\"},\"tag\":\"button\"},"
            + "\"host\":\"im_message\",\"context\":{\"open_message_id\":\""
            + messageId
            + "\",\"open_chat_id\":\""
            + server.seed.chatId
            + "\"}}}";
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private static P2CardActionTrigger parsedActionEvent(String messageId, String vote) {
    return Jsons.DEFAULT.fromJson(
        new String(actionEvent(messageId, vote), StandardCharsets.UTF_8),
        P2CardActionTrigger.class);
  }

  private static EventMessage message(String type, String content) {
    EventMessage message = new EventMessage();
    message.setMessageType(type);
    message.setContent(content);
    return message;
  }

  /**
   * {@code items[0]} of {@code GET /im/v1/messages/:id}, raw (with OpenCardKit's {@code summary}).
   */
  private static JsonObject item(String messageId) throws Exception {
    GetMessageResp resp =
        server
            .client()
            .im()
            .v1()
            .message()
            .get(GetMessageReq.newBuilder().messageId(messageId).build());
    assertThat(resp.getCode()).isZero();
    JsonObject raw =
        JsonParser.parseString(new String(resp.getRawResponse().getBody(), StandardCharsets.UTF_8))
            .getAsJsonObject();
    return raw.getAsJsonObject("data").getAsJsonArray("items").get(0).getAsJsonObject();
  }

  private static JsonObject shownCard(String messageId) throws Exception {
    return JsonParser.parseString(
            item(messageId).getAsJsonObject("body").get("content").getAsString())
        .getAsJsonObject();
  }

  /** How many messages of the group chat reply to {@code question}. */
  private static long answersTo(String question) throws Exception {
    var resp =
        server
            .client()
            .im()
            .v1()
            .message()
            .list(
                ListMessageReq.newBuilder()
                    .containerIdType("chat")
                    .containerId(server.seed.chatId)
                    .pageSize(50)
                    .build());
    assertThat(resp.getCode()).isZero();
    return java.util.Arrays.stream(resp.getData().getItems())
        .filter(m -> question.equals(m.getParentId()))
        .count();
  }

  private static JsonObject find(JsonElement node, String elementId) {
    if (node == null || node.isJsonPrimitive() || node.isJsonNull()) {
      return null;
    }
    if (node.isJsonArray()) {
      for (JsonElement child : (JsonArray) node) {
        JsonObject found = find(child, elementId);
        if (found != null) {
          return found;
        }
      }
      return null;
    }
    JsonObject object = node.getAsJsonObject();
    if (object.has("element_id") && elementId.equals(object.get("element_id").getAsString())) {
      return object;
    }
    for (String key : object.keySet()) {
      JsonObject found = key.equals("behaviors") ? null : find(object.get(key), elementId);
      if (found != null) {
        return found;
      }
    }
    return null;
  }
}
