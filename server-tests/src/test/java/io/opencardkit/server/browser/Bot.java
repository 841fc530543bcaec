package io.opencardkit.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.lark.oapi.Client;
import com.lark.oapi.core.response.BaseResponse;
import com.lark.oapi.service.cardkit.v1.model.ContentCardElementReq;
import com.lark.oapi.service.cardkit.v1.model.ContentCardElementReqBody;
import com.lark.oapi.service.cardkit.v1.model.CreateCardElementReq;
import com.lark.oapi.service.cardkit.v1.model.CreateCardElementReqBody;
import com.lark.oapi.service.cardkit.v1.model.CreateCardReq;
import com.lark.oapi.service.cardkit.v1.model.CreateCardReqBody;
import com.lark.oapi.service.cardkit.v1.model.SettingsCardReq;
import com.lark.oapi.service.cardkit.v1.model.SettingsCardReqBody;
import com.lark.oapi.service.im.v1.model.CreateMessageReq;
import com.lark.oapi.service.im.v1.model.CreateMessageReqBody;
import io.opencardkit.core.Json;
import io.opencardkit.server.testkit.TestServer;

/** The seeded bot of a {@link TestServer}, through the official Java SDK. */
final class Bot {
  private final TestServer server;
  private final Client sdk;
  private int sequence;
  private String lastMessageId;

  Bot(TestServer server) {
    this.server = server;
    this.sdk = server.client();
  }

  /** Creates a card entity and sends it to the seeded chat; returns the card id. */
  String sendCard(String cardJson) throws Exception {
    String cardId =
        ok(sdk.cardkit().v1().card().create(
                CreateCardReq.newBuilder()
                    .createCardReqBody(CreateCardReqBody.newBuilder().type("card_json").data(cardJson).build())
                    .build()),
            "create card")
            .getData()
            .getCardId();
    String content = Json.write(Json.object().put("type", "card").set("data", Json.object().put("card_id", cardId)));
    lastMessageId = ok(sdk.im().v1().message().create(
            CreateMessageReq.newBuilder()
                .receiveIdType("chat_id")
                .createMessageReqBody(
                    CreateMessageReqBody.newBuilder().receiveId(server.seed.chatId).msgType("interactive").content(content).build())
                .build()),
        "send card").getData().getMessageId();
    return cardId;
  }

  /** Sends a message of any type to the seeded chat; returns its id. */
  String sendMessage(String msgType, String content) throws Exception {
    return ok(sdk.im().v1().message().create(
            CreateMessageReq.newBuilder()
                .receiveIdType("chat_id")
                .createMessageReqBody(
                    CreateMessageReqBody.newBuilder().receiveId(server.seed.chatId).msgType(msgType).content(content).build())
                .build()),
        "send " + msgType).getData().getMessageId();
  }

  /** Streams a full text into an element with the next sequence; returns the response code (0 when accepted). */
  int content(String cardId, String elementId, String text) throws Exception {
    return content(cardId, elementId, text, ++sequence);
  }

  /** Streams with an explicit sequence (to provoke a refusal). */
  int content(String cardId, String elementId, String text, int seq) throws Exception {
    return sdk.cardkit().v1().cardElement().content(
            ContentCardElementReq.newBuilder()
                .cardId(cardId)
                .elementId(elementId)
                .contentCardElementReqBody(ContentCardElementReqBody.newBuilder().content(text).sequence(seq).build())
                .build())
        .getCode();
  }

  void contentOk(String cardId, String elementId, String text) throws Exception {
    assertThat(content(cardId, elementId, text)).as("content %s", text).isZero();
  }

  /** Appends elements (a JSON array) to the end of a card's body. */
  void appendElements(String cardId, String elementsJson) throws Exception {
    ok(sdk.cardkit().v1().cardElement().create(
            CreateCardElementReq.newBuilder()
                .cardId(cardId)
                .createCardElementReqBody(
                    CreateCardElementReqBody.newBuilder().type("append").elements(elementsJson).sequence(++sequence).build())
                .build()),
        "append elements");
  }

  /** PATCH settings with a {"config":…} JSON. */
  void settings(String cardId, String settingsJson) throws Exception {
    int code =
        sdk.cardkit().v1().card().settings(
                SettingsCardReq.newBuilder()
                    .cardId(cardId)
                    .settingsCardReqBody(SettingsCardReqBody.newBuilder().settings(settingsJson).sequence(++sequence).build())
                    .build())
            .getCode();
    assertThat(code).as("settings %s", settingsJson).isZero();
  }

  void streamingOff(String cardId) throws Exception {
    settings(cardId, "{\"config\":{\"streaming_mode\":false}}");
  }

  /** The message id of the last card sent. */
  String lastMessageId() {
    return lastMessageId;
  }

  private static <R extends BaseResponse<?>> R ok(R resp, String what) {
    assertThat(resp.getCode()).as("%s: code (msg %s)", what, resp.getMsg()).isZero();
    return resp;
  }
}
