package io.opencardkit.server.api;

import static io.opencardkit.server.api.CardJson.json;
import static io.opencardkit.server.api.Replies.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.lark.oapi.Client;
import com.lark.oapi.core.request.RequestOptions;
import com.lark.oapi.service.cardkit.v1.model.CreateCardReq;
import com.lark.oapi.service.cardkit.v1.model.CreateCardReqBody;
import com.lark.oapi.service.cardkit.v1.model.CreateCardResp;
import io.opencardkit.server.api.RawHttp.Reply;
import io.opencardkit.server.testkit.BotApi;
import io.opencardkit.server.testkit.MutableClock;
import io.opencardkit.server.testkit.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tokens, the envelope and HTTP itself: what a bot meets before its request reaches a card. Every
 * raw reply is also checked by {@link RawHttp} for the X-Tt-Logid header, the JSON content type and
 * the absence of a 5xx.
 */
final class AuthAndTransportTest {
  private static final String CARDS = "/open-apis/cardkit/v1/cards";

  private final MutableClock clock = MutableClock.startingNow();
  private TestServer server;
  private RawHttp http;

  @BeforeEach
  void start() {
    server = TestServer.start(clock, Duration.ofMinutes(10));
    http = new RawHttp(server.baseUrl());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void tenantToken_rightSecret_isIssuedAtTopLevelWithTwoHours() throws Exception {
    Reply reply =
        http.post(
            "/open-apis/auth/v3/tenant_access_token/internal",
            null,
            RawHttp.tokenRequest(server.seed.appId, server.seed.appSecret));

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.code()).isZero();
    assertThat(reply.json().path("msg").asText()).isEqualTo("ok");
    assertThat(reply.json().path("tenant_access_token").asText()).startsWith("t-");
    assertThat(reply.json().path("expire").asInt()).isEqualTo(7200);
  }

  @Test
  void tenantToken_wrongSecret_isRefusedWith10014AndNoToken() throws Exception {
    Reply reply =
        http.post(
            "/open-apis/auth/v3/tenant_access_token/internal",
            null,
            RawHttp.tokenRequest(server.seed.appId, "not-the-secret"));

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.code()).isEqualTo(10014);
    assertThat(reply.json().has("tenant_access_token")).isFalse();
  }

  @Test
  void sdk_wrongSecret_failsToObtainAToken() {
    Client wrong =
        Client.newBuilder(server.seed.appId, "not-the-secret")
            .openBaseUrl(server.baseUrl())
            .build();

    // The SDK fetches the token itself and throws when the server refuses it. (Its token cache is
    // JVM-wide and keyed
    // by app id; this server's app id is fresh, so no cached token hides the refusal.)
    assertThatThrownBy(
            () ->
                wrong
                    .cardkit()
                    .v1()
                    .card()
                    .create(
                        CreateCardReq.newBuilder()
                            .createCardReqBody(
                                CreateCardReqBody.newBuilder()
                                    .type("card_json")
                                    .data(CardJson.streaming("x"))
                                    .build())
                            .build()))
        .hasMessageContaining("10014");
  }

  @Test
  void request_withoutToken_isRefusedWith99991661() throws Exception {
    Reply reply = http.post(CARDS, null, json("{'type':'card_json','data':'{}'}"));

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.code()).isEqualTo(99991661);
  }

  @Test
  void request_withForgedOrForeignToken_isRefusedWith99991663() throws Exception {
    String real = http.token(server.seed.appId, server.seed.appSecret);
    String[] forged = {
      "t-bogus",
      real.substring(0, real.length() - 1) + (real.endsWith("0") ? "1" : "0"),
      "u-user-token"
    };

    for (String token : forged) {
      Reply reply = http.post(CARDS, token, json("{'type':'card_json','data':'{}'}"));
      assertThat(reply.code()).as("token %s", token).isEqualTo(99991663);
      assertThat(reply.status()).isEqualTo(400);
    }
  }

  @Test
  void sdk_badTokenInRequestOptions_isRefusedWith99991663() throws Exception {
    // With its token cache disabled, the SDK sends the token the bot passes with each request.
    Client manual =
        Client.newBuilder(server.seed.appId, server.seed.appSecret)
            .openBaseUrl(server.baseUrl())
            .disableTokenCache()
            .build();
    CreateCardResp resp =
        manual
            .cardkit()
            .v1()
            .card()
            .create(
                CreateCardReq.newBuilder()
                    .createCardReqBody(
                        CreateCardReqBody.newBuilder()
                            .type("card_json")
                            .data(CardJson.streaming("x"))
                            .build())
                    .build(),
                RequestOptions.newBuilder().tenantAccessToken("t-bogus").build());

    assertRefused(resp, 99991663);
  }

  @Test
  void unknownPath_underOpenApis_is404WithFeishuEnvelope() throws Exception {
    String token = http.token(server.seed.appId, server.seed.appSecret);

    Reply reply = http.get("/open-apis/cardkit/v2/nothing/here", token);

    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.code()).isNotZero();
    assertThat(reply.json().path("msg").asText()).isNotBlank();
  }

  @Test
  void body_notJsonOrNotAnObject_isRefusedWith10002() throws Exception {
    String token = http.token(server.seed.appId, server.seed.appSecret);

    assertThat(http.post(CARDS, token, "type=card_json&data=x").code()).isEqualTo(10002);
    assertThat(http.post(CARDS, token, "[1,2,3]").code()).isEqualTo(10002);
    assertThat(http.post(CARDS, token, null).code())
        .as("no body: type is missing")
        .isEqualTo(10002);
  }

  @Test
  void fields_missingOrIllTyped_areRefusedWith10002() throws Exception {
    String token = http.token(server.seed.appId, server.seed.appSecret);
    String cardId = BotApi.of(server).createCard(CardJson.streaming("x"));
    String content = CARDS + "/" + cardId + "/elements/md_1/content";

    assertThat(http.post(CARDS, token, json("{'data':'{}'}")).code())
        .as("missing type")
        .isEqualTo(10002);
    assertThat(http.post(CARDS, token, json("{'type':'card_json','data':{'schema':'2.0'}}")).code())
        .as("data as an object, not a string")
        .isEqualTo(10002);
    assertThat(http.post(CARDS, token, json("{'type':'template','data':'{}'}")).code())
        .isEqualTo(10002);
    assertThat(http.send("PUT", content, token, json("{'content':'x'}")).code())
        .as("no sequence")
        .isEqualTo(10002);
    assertThat(http.send("PUT", content, token, json("{'content':'x','sequence':'1'}")).code())
        .isEqualTo(10002);
    assertThat(http.send("PUT", content, token, json("{'content':'x','sequence':1.5}")).code())
        .isEqualTo(10002);
    assertThat(
            http.send("PUT", content, token, json("{'content':'x','sequence':4294967296}")).code())
        .isEqualTo(10002);
    assertThat(http.send("PUT", content, token, json("{'content':7,'sequence':1}")).code())
        .isEqualTo(10002);
    assertThat(
            http.send("PUT", content, token, json("{'content':'x','sequence':1,'uuid':''}")).code())
        .isEqualTo(10002);
  }

  @Test
  void sdk_missingSequence_isRefusedWith10002() throws Exception {
    String cardId = BotApi.of(server).createCard(CardJson.streaming("x"));

    var resp =
        server
            .client()
            .cardkit()
            .v1()
            .cardElement()
            .content(
                com.lark.oapi.service.cardkit.v1.model.ContentCardElementReq.newBuilder()
                    .cardId(cardId)
                    .elementId("md_1")
                    .contentCardElementReqBody(
                        com.lark.oapi.service.cardkit.v1.model.ContentCardElementReqBody
                            .newBuilder()
                            .content("x")
                            .build())
                    .build());

    assertRefused(resp, 10002);
  }

  @Test
  void oddRequests_neverAnswerWith5xxOrWithoutEnvelope() throws Exception {
    String token = http.token(server.seed.appId, server.seed.appSecret);
    String cardId = BotApi.of(server).createCard(CardJson.streaming("x"));

    // RawHttp checks each reply: status below 500, X-Tt-Logid, JSON content type, error.log_id.
    http.get(CARDS, token); // a known path with the wrong method
    http.send("DELETE", CARDS + "/" + cardId + "/elements/md_1", token, null);
    http.send(
        "PUT",
        CARDS + "/123456789012345678901234/elements/md_1/content",
        token,
        json("{'content':'x','sequence':1}"));
    http.send(
        "PUT",
        CARDS + "/" + cardId + "/elements/" + "e".repeat(30) + "/content",
        token,
        json("{'content':'x','sequence':1}"));
    http.send(
        "PATCH",
        CARDS + "/" + cardId + "/settings",
        token,
        json("{'settings':'[1]','sequence':1}"));
    http.post(
        CARDS + "/" + cardId + "/batch_update", token, json("{'actions':'[{}]','sequence':1}"));
    http.post(
        CARDS + "/" + cardId + "/batch_update",
        token,
        json("{'actions':'[{\\'action\\':\\'add_elements\\',\\'params\\':{}}]','sequence':1}"));
    http.post(CARDS + "/id_convert", token, json("{}"));
    http.get(
        "/open-apis/im/v1/messages?container_id_type=chat&container_id="
            + server.seed.chatId
            + "&page_token=!!!",
        token);
    http.get(
        "/open-apis/im/v1/messages?container_id_type=chat&container_id="
            + server.seed.chatId
            + "&page_size=abc",
        token);
    http.post(
        "/open-apis/im/v1/messages?receive_id_type=chat_id",
        token,
        json("{'receive_id':'x','msg_type':'interactive','content':'[]'}"));
    http.send("PATCH", "/open-apis/im/v1/messages/om_nothing", token, json("{'content':'{}'}"));
    http.post("/open-apis/auth/v3/tenant_access_token/internal", null, "{");
    http.get("/open-apis", null);
    // Outside /open-apis too: regression, unknown paths used to get Vert.x's HTML page.
    assertThat(http.get("/not/an/api", null).status()).isEqualTo(404);
    assertThat(http.post("/healthz", null, "{}").status()).isEqualTo(404);
  }

  @Test
  void listMessages_pageSizeBeyondInt_isRefusedNotWrappedAround() throws Exception {
    // Regression: 4294967297 was narrowed to int before the range check and read as 1.
    String token = http.token(server.seed.appId, server.seed.appSecret);
    RawHttp.Reply reply =
        http.get(
            "/open-apis/im/v1/messages?container_id_type=chat&container_id="
                + server.seed.chatId
                + "&page_size=4294967297",
            token);
    assertThat(reply.code()).isEqualTo(99992402);
  }
}
