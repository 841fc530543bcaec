package io.opencardkit.server.api;

import static io.opencardkit.server.api.Replies.assertOk;

import com.fasterxml.jackson.databind.JsonNode;
import com.lark.oapi.Client;
import com.lark.oapi.core.cache.ICache;
import com.lark.oapi.core.response.RawResponse;
import com.lark.oapi.service.cardkit.v1.model.BatchUpdateCardReq;
import com.lark.oapi.service.cardkit.v1.model.BatchUpdateCardReqBody;
import com.lark.oapi.service.cardkit.v1.model.BatchUpdateCardResp;
import com.lark.oapi.service.cardkit.v1.model.Card;
import com.lark.oapi.service.cardkit.v1.model.ContentCardElementReq;
import com.lark.oapi.service.cardkit.v1.model.ContentCardElementReqBody;
import com.lark.oapi.service.cardkit.v1.model.ContentCardElementResp;
import com.lark.oapi.service.cardkit.v1.model.CreateCardElementReq;
import com.lark.oapi.service.cardkit.v1.model.CreateCardElementReqBody;
import com.lark.oapi.service.cardkit.v1.model.CreateCardElementResp;
import com.lark.oapi.service.cardkit.v1.model.CreateCardReq;
import com.lark.oapi.service.cardkit.v1.model.CreateCardReqBody;
import com.lark.oapi.service.cardkit.v1.model.CreateCardResp;
import com.lark.oapi.service.cardkit.v1.model.DeleteCardElementReq;
import com.lark.oapi.service.cardkit.v1.model.DeleteCardElementReqBody;
import com.lark.oapi.service.cardkit.v1.model.DeleteCardElementResp;
import com.lark.oapi.service.cardkit.v1.model.IdConvertCardReq;
import com.lark.oapi.service.cardkit.v1.model.IdConvertCardReqBody;
import com.lark.oapi.service.cardkit.v1.model.IdConvertCardResp;
import com.lark.oapi.service.cardkit.v1.model.PatchCardElementReq;
import com.lark.oapi.service.cardkit.v1.model.PatchCardElementReqBody;
import com.lark.oapi.service.cardkit.v1.model.PatchCardElementResp;
import com.lark.oapi.service.cardkit.v1.model.SettingsCardReq;
import com.lark.oapi.service.cardkit.v1.model.SettingsCardReqBody;
import com.lark.oapi.service.cardkit.v1.model.SettingsCardResp;
import com.lark.oapi.service.cardkit.v1.model.UpdateCardElementReq;
import com.lark.oapi.service.cardkit.v1.model.UpdateCardElementReqBody;
import com.lark.oapi.service.cardkit.v1.model.UpdateCardElementResp;
import com.lark.oapi.service.cardkit.v1.model.UpdateCardReq;
import com.lark.oapi.service.cardkit.v1.model.UpdateCardReqBody;
import com.lark.oapi.service.cardkit.v1.model.UpdateCardResp;
import com.lark.oapi.service.im.v1.model.CreateMessageReq;
import com.lark.oapi.service.im.v1.model.CreateMessageReqBody;
import com.lark.oapi.service.im.v1.model.CreateMessageResp;
import com.lark.oapi.service.im.v1.model.GetMessageReq;
import com.lark.oapi.service.im.v1.model.GetMessageResp;
import com.lark.oapi.service.im.v1.model.ListMessageReq;
import com.lark.oapi.service.im.v1.model.ListMessageResp;
import com.lark.oapi.service.im.v1.model.PatchMessageReq;
import com.lark.oapi.service.im.v1.model.PatchMessageReqBody;
import com.lark.oapi.service.im.v1.model.PatchMessageResp;
import com.lark.oapi.service.im.v1.model.ReplyMessageReq;
import com.lark.oapi.service.im.v1.model.ReplyMessageReqBody;
import com.lark.oapi.service.im.v1.model.ReplyMessageResp;
import io.opencardkit.server.testkit.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A bot author's view of OpenCardKit: every call goes through the official Java SDK, one method per endpoint, and
 * returns the SDK's response so that tests assert code, msg and data as a bot would see them.
 */
final class Bot {
  private final Client sdk;

  private Bot(Client sdk) {
    this.sdk = sdk;
  }

  /** The seeded bot that creates the cards. */
  static Bot of(TestServer server) {
    return new Bot(server.client());
  }

  /** The second seeded bot, which owns none of the cards. */
  static Bot other(TestServer server) {
    return new Bot(server.otherClient());
  }

  /**
   * The seeded bot with a token cache of its own, so it fetches a new token. Needed after a test moves the server's
   * clock by more than a token's two hours: the SDK's default cache runs on the real clock and would keep offering
   * a token the server now considers expired.
   */
  static Bot withFreshToken(TestServer server) {
    Client client =
        Client.newBuilder(server.seed.appId, server.seed.appSecret)
            .openBaseUrl(server.baseUrl())
            .requestTimeout(10, TimeUnit.SECONDS)
            .tokenCache(new MapCache())
            .build();
    return new Bot(client);
  }

  Client sdk() {
    return sdk;
  }

  // --- CardKit: cards -------------------------------------------------------------------------------------------

  CreateCardResp create(String cardJson) throws Exception {
    return sdk.cardkit().v1().card().create(
        CreateCardReq.newBuilder()
            .createCardReqBody(CreateCardReqBody.newBuilder().type("card_json").data(cardJson).build())
            .build());
  }

  /** Creates a card that must be accepted; returns its id. */
  String createCard(String cardJson) throws Exception {
    return assertOk(create(cardJson)).getCardId();
  }

  SettingsCardResp settings(String cardId, String settings, int sequence) throws Exception {
    return settings(cardId, settings, sequence, null);
  }

  SettingsCardResp settings(String cardId, String settings, int sequence, String uuid) throws Exception {
    return sdk.cardkit().v1().card().settings(
        SettingsCardReq.newBuilder()
            .cardId(cardId)
            .settingsCardReqBody(SettingsCardReqBody.newBuilder().settings(settings).sequence(sequence).uuid(uuid).build())
            .build());
  }

  UpdateCardResp update(String cardId, String cardJson, int sequence) throws Exception {
    return sdk.cardkit().v1().card().update(
        UpdateCardReq.newBuilder()
            .cardId(cardId)
            .updateCardReqBody(
                UpdateCardReqBody.newBuilder()
                    .card(Card.newBuilder().type("card_json").data(cardJson).build())
                    .sequence(sequence)
                    .build())
            .build());
  }

  BatchUpdateCardResp batch(String cardId, String actions, int sequence) throws Exception {
    return sdk.cardkit().v1().card().batchUpdate(
        BatchUpdateCardReq.newBuilder()
            .cardId(cardId)
            .batchUpdateCardReqBody(BatchUpdateCardReqBody.newBuilder().actions(actions).sequence(sequence).build())
            .build());
  }

  IdConvertCardResp idConvert(String messageId) throws Exception {
    return sdk.cardkit().v1().card().idConvert(
        IdConvertCardReq.newBuilder()
            .idConvertCardReqBody(IdConvertCardReqBody.newBuilder().messageId(messageId).build())
            .build());
  }

  // --- CardKit: elements ----------------------------------------------------------------------------------------

  CreateCardElementResp addElements(String cardId, String type, String target, String elements, int sequence)
      throws Exception {
    return addElements(cardId, type, target, elements, sequence, null);
  }

  CreateCardElementResp addElements(
      String cardId, String type, String target, String elements, int sequence, String uuid) throws Exception {
    return sdk.cardkit().v1().cardElement().create(
        CreateCardElementReq.newBuilder()
            .cardId(cardId)
            .createCardElementReqBody(
                CreateCardElementReqBody.newBuilder()
                    .type(type)
                    .targetElementId(target)
                    .elements(elements)
                    .sequence(sequence)
                    .uuid(uuid)
                    .build())
            .build());
  }

  UpdateCardElementResp updateElement(String cardId, String elementId, String element, int sequence) throws Exception {
    return sdk.cardkit().v1().cardElement().update(
        UpdateCardElementReq.newBuilder()
            .cardId(cardId)
            .elementId(elementId)
            .updateCardElementReqBody(UpdateCardElementReqBody.newBuilder().element(element).sequence(sequence).build())
            .build());
  }

  PatchCardElementResp patchElement(String cardId, String elementId, String partial, int sequence) throws Exception {
    return sdk.cardkit().v1().cardElement().patch(
        PatchCardElementReq.newBuilder()
            .cardId(cardId)
            .elementId(elementId)
            .patchCardElementReqBody(PatchCardElementReqBody.newBuilder().partialElement(partial).sequence(sequence).build())
            .build());
  }

  ContentCardElementResp content(String cardId, String elementId, String text, int sequence) throws Exception {
    return content(cardId, elementId, text, sequence, null);
  }

  ContentCardElementResp content(String cardId, String elementId, String text, int sequence, String uuid)
      throws Exception {
    return sdk.cardkit().v1().cardElement().content(
        ContentCardElementReq.newBuilder()
            .cardId(cardId)
            .elementId(elementId)
            .contentCardElementReqBody(
                ContentCardElementReqBody.newBuilder().content(text).sequence(sequence).uuid(uuid).build())
            .build());
  }

  DeleteCardElementResp deleteElement(String cardId, String elementId, int sequence) throws Exception {
    return sdk.cardkit().v1().cardElement().delete(
        DeleteCardElementReq.newBuilder()
            .cardId(cardId)
            .elementId(elementId)
            .deleteCardElementReqBody(DeleteCardElementReqBody.newBuilder().sequence(sequence).build())
            .build());
  }

  // --- IM -------------------------------------------------------------------------------------------------------

  CreateMessageResp send(String receiveIdType, String receiveId, String msgType, String content) throws Exception {
    return send(receiveIdType, receiveId, msgType, content, null);
  }

  CreateMessageResp send(String receiveIdType, String receiveId, String msgType, String content, String uuid)
      throws Exception {
    return sdk.im().v1().message().create(
        CreateMessageReq.newBuilder()
            .receiveIdType(receiveIdType)
            .createMessageReqBody(
                CreateMessageReqBody.newBuilder()
                    .receiveId(receiveId)
                    .msgType(msgType)
                    .content(content)
                    .uuid(uuid)
                    .build())
            .build());
  }

  CreateMessageResp sendCard(String receiveIdType, String receiveId, String cardId) throws Exception {
    return send(receiveIdType, receiveId, "interactive", CardJson.entity(cardId));
  }

  /** Sends a card entity to a chat; it must be accepted. Returns the message id. */
  String sendCardToChat(String chatId, String cardId) throws Exception {
    return assertOk(sendCard("chat_id", chatId, cardId)).getMessageId();
  }

  ReplyMessageResp reply(String messageId, String msgType, String content) throws Exception {
    return sdk.im().v1().message().reply(
        ReplyMessageReq.newBuilder()
            .messageId(messageId)
            .replyMessageReqBody(ReplyMessageReqBody.newBuilder().msgType(msgType).content(content).build())
            .build());
  }

  GetMessageResp getMessage(String messageId) throws Exception {
    return sdk.im().v1().message().get(GetMessageReq.newBuilder().messageId(messageId).build());
  }

  /** The card a message shows now: {@code items[0].body.content} of {@code GET im/v1/messages/:id}, parsed. */
  JsonNode shownCard(String messageId) throws Exception {
    GetMessageResp resp = getMessage(messageId);
    return CardJson.parse(assertOk(resp).getItems()[0].getBody().getContent());
  }

  /**
   * The chat-list preview of a message: {@code items[0].summary}, an OpenCardKit field the SDK model does not map,
   * so it is read from the raw response body.
   */
  String summary(String messageId) throws Exception {
    GetMessageResp resp = getMessage(messageId);
    assertOk(resp);
    return rawJson(resp.getRawResponse()).path("data").path("items").path(0).path("summary").asText(null);
  }

  ListMessageResp list(String chatId, int pageSize, String pageToken) throws Exception {
    return sdk.im().v1().message().list(
        ListMessageReq.newBuilder()
            .containerIdType("chat")
            .containerId(chatId)
            .pageSize(pageSize)
            .pageToken(pageToken)
            .build());
  }

  PatchMessageResp patchMessage(String messageId, String content) throws Exception {
    return sdk.im().v1().message().patch(
        PatchMessageReq.newBuilder()
            .messageId(messageId)
            .patchMessageReqBody(PatchMessageReqBody.newBuilder().content(content).build())
            .build());
  }

  static JsonNode rawJson(RawResponse raw) {
    return CardJson.parse(new String(raw.getBody(), StandardCharsets.UTF_8));
  }

  /** A token cache private to one client (the SDK's default cache is JVM-wide). */
  private static final class MapCache implements ICache {
    private final Map<String, String> values = new ConcurrentHashMap<>();

    @Override
    public String get(String key) {
      return values.getOrDefault(key, "");
    }

    @Override
    public void set(String key, String value, int expire, TimeUnit timeUnit) {
      values.put(key, value);
    }
  }
}
