package io.opencardkit.server.durability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.lark.oapi.Client;
import com.lark.oapi.core.response.BaseResponse;
import com.lark.oapi.service.cardkit.v1.model.BatchUpdateCardReq;
import com.lark.oapi.service.cardkit.v1.model.BatchUpdateCardReqBody;
import com.lark.oapi.service.cardkit.v1.model.ContentCardElementReq;
import com.lark.oapi.service.cardkit.v1.model.ContentCardElementReqBody;
import com.lark.oapi.service.cardkit.v1.model.CreateCardElementReq;
import com.lark.oapi.service.cardkit.v1.model.CreateCardElementReqBody;
import com.lark.oapi.service.cardkit.v1.model.CreateCardReq;
import com.lark.oapi.service.cardkit.v1.model.CreateCardReqBody;
import com.lark.oapi.service.cardkit.v1.model.CreateCardResp;
import com.lark.oapi.service.cardkit.v1.model.DeleteCardElementReq;
import com.lark.oapi.service.cardkit.v1.model.DeleteCardElementReqBody;
import com.lark.oapi.service.cardkit.v1.model.PatchCardElementReq;
import com.lark.oapi.service.cardkit.v1.model.PatchCardElementReqBody;
import com.lark.oapi.service.cardkit.v1.model.SettingsCardReq;
import com.lark.oapi.service.cardkit.v1.model.SettingsCardReqBody;
import com.lark.oapi.service.cardkit.v1.model.UpdateCardElementReq;
import com.lark.oapi.service.cardkit.v1.model.UpdateCardElementReqBody;
import com.lark.oapi.service.im.v1.model.CreateMessageReq;
import com.lark.oapi.service.im.v1.model.CreateMessageReqBody;
import com.lark.oapi.service.im.v1.model.CreateMessageResp;
import com.lark.oapi.service.im.v1.model.GetMessageReq;
import com.lark.oapi.service.im.v1.model.GetMessageResp;
import io.opencardkit.core.Json;
import java.util.concurrent.TimeUnit;

/** The official Java SDK calls the durability tests make, as one bot against one server address. */
final class SdkCalls {
  private final Client client;

  SdkCalls(String baseUrl, String appId, String appSecret) {
    // The SDK caches tokens per app id for the whole JVM; tokens are self-contained, so they outlive a restart.
    this.client = Client.newBuilder(appId, appSecret).openBaseUrl(baseUrl).requestTimeout(10, TimeUnit.SECONDS).build();
  }

  /** Creates a card entity from card JSON and returns its id. */
  String createCard(ObjectNode card) throws Exception {
    CreateCardResp resp =
        client.cardkit().v1().card().create(
            CreateCardReq.newBuilder()
                .createCardReqBody(CreateCardReqBody.newBuilder().type("card_json").data(Json.write(card)).build())
                .build());
    return ok(resp, "create card").getData().getCardId();
  }

  /** Sends a card entity to a group chat and returns the message id. */
  String sendCard(String chatId, String cardId) throws Exception {
    String content = Json.write(Json.object().put("type", "card").set("data", Json.object().put("card_id", cardId)));
    CreateMessageResp resp =
        client.im().v1().message().create(
            CreateMessageReq.newBuilder()
                .receiveIdType("chat_id")
                .createMessageReqBody(
                    CreateMessageReqBody.newBuilder().receiveId(chatId).msgType("interactive").content(content).build())
                .build());
    return ok(resp, "send card " + cardId).getData().getMessageId();
  }

  /** The card a message shows now, read through {@code GET im/v1/messages/:id} ({@code body.content}). */
  ObjectNode cardOf(String messageId) throws Exception {
    GetMessageResp resp = client.im().v1().message().get(GetMessageReq.newBuilder().messageId(messageId).build());
    String content = ok(resp, "get message " + messageId).getData().getItems()[0].getBody().getContent();
    JsonNode card = Json.parseOrNull(content);
    assertThat(card).as("body.content of %s is card JSON: %s", messageId, content).isInstanceOf(ObjectNode.class);
    return (ObjectNode) card;
  }

  /** Streams full text into an element; returns the response code (0 when acknowledged). */
  int content(String cardId, String elementId, String text, int sequence, String uuid) throws Exception {
    return client.cardkit().v1().cardElement().content(
            ContentCardElementReq.newBuilder()
                .cardId(cardId)
                .elementId(elementId)
                .contentCardElementReqBody(
                    ContentCardElementReqBody.newBuilder().content(text).sequence(sequence).uuid(uuid).build())
                .build())
        .getCode();
  }

  int settings(String cardId, ObjectNode settings, int sequence, String uuid) throws Exception {
    return client.cardkit().v1().card().settings(
            SettingsCardReq.newBuilder()
                .cardId(cardId)
                .settingsCardReqBody(
                    SettingsCardReqBody.newBuilder().settings(Json.write(settings)).sequence(sequence).uuid(uuid).build())
                .build())
        .getCode();
  }

  int addElements(String cardId, String type, String target, String elementsJson, int sequence, String uuid)
      throws Exception {
    return client.cardkit().v1().cardElement().create(
            CreateCardElementReq.newBuilder()
                .cardId(cardId)
                .createCardElementReqBody(
                    CreateCardElementReqBody.newBuilder()
                        .type(type)
                        .targetElementId(target)
                        .elements(elementsJson)
                        .sequence(sequence)
                        .uuid(uuid)
                        .build())
                .build())
        .getCode();
  }

  int patchElement(String cardId, String elementId, String partialJson, int sequence, String uuid) throws Exception {
    return client.cardkit().v1().cardElement().patch(
            PatchCardElementReq.newBuilder()
                .cardId(cardId)
                .elementId(elementId)
                .patchCardElementReqBody(
                    PatchCardElementReqBody.newBuilder().partialElement(partialJson).sequence(sequence).uuid(uuid).build())
                .build())
        .getCode();
  }

  int updateElement(String cardId, String elementId, String elementJson, int sequence, String uuid) throws Exception {
    return client.cardkit().v1().cardElement().update(
            UpdateCardElementReq.newBuilder()
                .cardId(cardId)
                .elementId(elementId)
                .updateCardElementReqBody(
                    UpdateCardElementReqBody.newBuilder().element(elementJson).sequence(sequence).uuid(uuid).build())
                .build())
        .getCode();
  }

  int deleteElement(String cardId, String elementId, int sequence, String uuid) throws Exception {
    return client.cardkit().v1().cardElement().delete(
            DeleteCardElementReq.newBuilder()
                .cardId(cardId)
                .elementId(elementId)
                .deleteCardElementReqBody(DeleteCardElementReqBody.newBuilder().sequence(sequence).uuid(uuid).build())
                .build())
        .getCode();
  }

  int batchUpdate(String cardId, String actionsJson, int sequence, String uuid) throws Exception {
    return client.cardkit().v1().card().batchUpdate(
            BatchUpdateCardReq.newBuilder()
                .cardId(cardId)
                .batchUpdateCardReqBody(
                    BatchUpdateCardReqBody.newBuilder().actions(actionsJson).sequence(sequence).uuid(uuid).build())
                .build())
        .getCode();
  }

  private static <R extends BaseResponse<?>> R ok(R resp, String what) {
    assertThat(resp.getCode()).as("%s: code (msg %s)", what, resp.getMsg()).isZero();
    return resp;
  }
}
