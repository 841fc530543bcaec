package io.opencardkit.server.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.lark.oapi.Client;
import com.lark.oapi.core.cache.ICache;
import com.lark.oapi.core.response.BaseResponse;
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
import io.opencardkit.core.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A bot author's view of OpenCardKit's API: every call goes through the official Java SDK, one
 * method per endpoint, and returns the SDK's response so that tests assert code, msg and data as a
 * bot would see them. The few methods that return an id instead ({@link #createCard}, {@link
 * #sendCardToChat}, {@link #shownCard}) are for set-up: they fail the test unless the call
 * succeeds. The bot's other half, receiving events and callbacks, is {@link SdkBot}.
 */
public final class BotApi {
  private final Client sdk;

  private BotApi(Client sdk) {
    this.sdk = sdk;
  }

  /** A bot calling through {@code sdk} (pointed at one node of a cluster, say). */
  public static BotApi of(Client sdk) {
    return new BotApi(sdk);
  }

  /**
   * App {@code appId} calling the server at {@code baseUrl}. The SDK caches tokens per app id for
   * the whole JVM; tokens are self-contained, so they outlive a restart of the server.
   */
  public static BotApi of(String baseUrl, String appId, String appSecret) {
    return new BotApi(
        Client.newBuilder(appId, appSecret)
            .openBaseUrl(baseUrl)
            .requestTimeout(10, TimeUnit.SECONDS)
            .build());
  }

  /** The seeded bot that creates the cards. */
  public static BotApi of(TestServer server) {
    return new BotApi(server.client());
  }

  /** The second seeded bot, which owns none of the cards. */
  public static BotApi other(TestServer server) {
    return new BotApi(server.otherClient());
  }

  /**
   * The seeded bot with a token cache of its own, so it fetches a new token. Needed after a test
   * moves the server's clock by more than a token's two hours: the SDK's default cache runs on the
   * real clock and would keep offering a token the server now considers expired.
   */
  public static BotApi withFreshToken(TestServer server) {
    Client client =
        Client.newBuilder(server.seed.appId, server.seed.appSecret)
            .openBaseUrl(server.baseUrl())
            .requestTimeout(10, TimeUnit.SECONDS)
            .tokenCache(new MapCache())
            .build();
    return new BotApi(client);
  }

  public Client sdk() {
    return sdk;
  }

  // --- CardKit: cards
  // -------------------------------------------------------------------------------------------

  public CreateCardResp create(String cardJson) throws Exception {
    return sdk.cardkit()
        .v1()
        .card()
        .create(
            CreateCardReq.newBuilder()
                .createCardReqBody(
                    CreateCardReqBody.newBuilder().type("card_json").data(cardJson).build())
                .build());
  }

  /** Creates a card that must be accepted; returns its id. */
  public String createCard(String cardJson) throws Exception {
    return assertOk(create(cardJson)).getCardId();
  }

  public SettingsCardResp settings(String cardId, String settings, int sequence) throws Exception {
    return settings(cardId, settings, sequence, null);
  }

  public SettingsCardResp settings(String cardId, String settings, int sequence, String uuid)
      throws Exception {
    return sdk.cardkit()
        .v1()
        .card()
        .settings(
            SettingsCardReq.newBuilder()
                .cardId(cardId)
                .settingsCardReqBody(
                    SettingsCardReqBody.newBuilder()
                        .settings(settings)
                        .sequence(sequence)
                        .uuid(uuid)
                        .build())
                .build());
  }

  public UpdateCardResp update(String cardId, String cardJson, int sequence) throws Exception {
    return sdk.cardkit()
        .v1()
        .card()
        .update(
            UpdateCardReq.newBuilder()
                .cardId(cardId)
                .updateCardReqBody(
                    UpdateCardReqBody.newBuilder()
                        .card(Card.newBuilder().type("card_json").data(cardJson).build())
                        .sequence(sequence)
                        .build())
                .build());
  }

  public BatchUpdateCardResp batch(String cardId, String actions, int sequence) throws Exception {
    return batch(cardId, actions, sequence, null);
  }

  public BatchUpdateCardResp batch(String cardId, String actions, int sequence, String uuid)
      throws Exception {
    return sdk.cardkit()
        .v1()
        .card()
        .batchUpdate(
            BatchUpdateCardReq.newBuilder()
                .cardId(cardId)
                .batchUpdateCardReqBody(
                    BatchUpdateCardReqBody.newBuilder()
                        .actions(actions)
                        .sequence(sequence)
                        .uuid(uuid)
                        .build())
                .build());
  }

  public IdConvertCardResp idConvert(String messageId) throws Exception {
    return sdk.cardkit()
        .v1()
        .card()
        .idConvert(
            IdConvertCardReq.newBuilder()
                .idConvertCardReqBody(
                    IdConvertCardReqBody.newBuilder().messageId(messageId).build())
                .build());
  }

  // --- CardKit: elements
  // ----------------------------------------------------------------------------------------

  public CreateCardElementResp addElements(
      String cardId, String type, String target, String elements, int sequence) throws Exception {
    return addElements(cardId, type, target, elements, sequence, null);
  }

  public CreateCardElementResp addElements(
      String cardId, String type, String target, String elements, int sequence, String uuid)
      throws Exception {
    return sdk.cardkit()
        .v1()
        .cardElement()
        .create(
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

  public UpdateCardElementResp updateElement(
      String cardId, String elementId, String element, int sequence) throws Exception {
    return updateElement(cardId, elementId, element, sequence, null);
  }

  public UpdateCardElementResp updateElement(
      String cardId, String elementId, String element, int sequence, String uuid) throws Exception {
    return sdk.cardkit()
        .v1()
        .cardElement()
        .update(
            UpdateCardElementReq.newBuilder()
                .cardId(cardId)
                .elementId(elementId)
                .updateCardElementReqBody(
                    UpdateCardElementReqBody.newBuilder()
                        .element(element)
                        .sequence(sequence)
                        .uuid(uuid)
                        .build())
                .build());
  }

  public PatchCardElementResp patchElement(
      String cardId, String elementId, String partial, int sequence) throws Exception {
    return patchElement(cardId, elementId, partial, sequence, null);
  }

  public PatchCardElementResp patchElement(
      String cardId, String elementId, String partial, int sequence, String uuid) throws Exception {
    return sdk.cardkit()
        .v1()
        .cardElement()
        .patch(
            PatchCardElementReq.newBuilder()
                .cardId(cardId)
                .elementId(elementId)
                .patchCardElementReqBody(
                    PatchCardElementReqBody.newBuilder()
                        .partialElement(partial)
                        .sequence(sequence)
                        .uuid(uuid)
                        .build())
                .build());
  }

  public ContentCardElementResp content(String cardId, String elementId, String text, int sequence)
      throws Exception {
    return content(cardId, elementId, text, sequence, null);
  }

  public ContentCardElementResp content(
      String cardId, String elementId, String text, int sequence, String uuid) throws Exception {
    return sdk.cardkit()
        .v1()
        .cardElement()
        .content(
            ContentCardElementReq.newBuilder()
                .cardId(cardId)
                .elementId(elementId)
                .contentCardElementReqBody(
                    ContentCardElementReqBody.newBuilder()
                        .content(text)
                        .sequence(sequence)
                        .uuid(uuid)
                        .build())
                .build());
  }

  public DeleteCardElementResp deleteElement(String cardId, String elementId, int sequence)
      throws Exception {
    return deleteElement(cardId, elementId, sequence, null);
  }

  public DeleteCardElementResp deleteElement(
      String cardId, String elementId, int sequence, String uuid) throws Exception {
    return sdk.cardkit()
        .v1()
        .cardElement()
        .delete(
            DeleteCardElementReq.newBuilder()
                .cardId(cardId)
                .elementId(elementId)
                .deleteCardElementReqBody(
                    DeleteCardElementReqBody.newBuilder().sequence(sequence).uuid(uuid).build())
                .build());
  }

  // --- IM
  // -------------------------------------------------------------------------------------------------------

  public CreateMessageResp send(
      String receiveIdType, String receiveId, String msgType, String content) throws Exception {
    return send(receiveIdType, receiveId, msgType, content, null);
  }

  public CreateMessageResp send(
      String receiveIdType, String receiveId, String msgType, String content, String uuid)
      throws Exception {
    return sdk.im()
        .v1()
        .message()
        .create(
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

  public CreateMessageResp sendCard(String receiveIdType, String receiveId, String cardId)
      throws Exception {
    return send(receiveIdType, receiveId, "interactive", cardEntity(cardId));
  }

  /** Sends a card entity to a chat; it must be accepted. Returns the message id. */
  public String sendCardToChat(String chatId, String cardId) throws Exception {
    return assertOk(sendCard("chat_id", chatId, cardId)).getMessageId();
  }

  public ReplyMessageResp reply(String messageId, String msgType, String content) throws Exception {
    return sdk.im()
        .v1()
        .message()
        .reply(
            ReplyMessageReq.newBuilder()
                .messageId(messageId)
                .replyMessageReqBody(
                    ReplyMessageReqBody.newBuilder().msgType(msgType).content(content).build())
                .build());
  }

  public GetMessageResp getMessage(String messageId) throws Exception {
    return sdk.im().v1().message().get(GetMessageReq.newBuilder().messageId(messageId).build());
  }

  /**
   * The card a message shows now: {@code items[0].body.content} of {@code GET im/v1/messages/:id},
   * parsed.
   */
  public JsonNode shownCard(String messageId) throws Exception {
    GetMessageResp resp = getMessage(messageId);
    return parse(assertOk(resp).getItems()[0].getBody().getContent());
  }

  /**
   * The chat-list preview of a message: {@code items[0].summary}, an OpenCardKit field the SDK
   * model does not map, so it is read from the raw response body.
   */
  public String summary(String messageId) throws Exception {
    GetMessageResp resp = getMessage(messageId);
    assertOk(resp);
    return rawJson(resp.getRawResponse())
        .path("data")
        .path("items")
        .path(0)
        .path("summary")
        .asText(null);
  }

  public ListMessageResp list(String chatId, int pageSize, String pageToken) throws Exception {
    return sdk.im()
        .v1()
        .message()
        .list(
            ListMessageReq.newBuilder()
                .containerIdType("chat")
                .containerId(chatId)
                .pageSize(pageSize)
                .pageToken(pageToken)
                .build());
  }

  public PatchMessageResp patchMessage(String messageId, String content) throws Exception {
    return sdk.im()
        .v1()
        .message()
        .patch(
            PatchMessageReq.newBuilder()
                .messageId(messageId)
                .patchMessageReqBody(PatchMessageReqBody.newBuilder().content(content).build())
                .build());
  }

  /** A raw response's body, parsed. */
  public static JsonNode rawJson(RawResponse raw) {
    return parse(new String(raw.getBody(), StandardCharsets.UTF_8));
  }

  /** The IM content that shows a card entity. */
  public static String cardEntity(String cardId) {
    return Json.write(
        Json.object().put("type", "card").set("data", Json.object().put("card_id", cardId)));
  }

  /** {@code resp}'s data; fails the test unless the call succeeded (code 0). */
  public static <T> T assertOk(BaseResponse<T> resp) {
    if (resp.getCode() != 0) {
      throw new AssertionError(
          "code " + resp.getCode() + " (msg " + resp.getMsg() + "), expected 0");
    }
    return resp.getData();
  }

  private static JsonNode parse(String json) {
    JsonNode node = Json.parseOrNull(json);
    if (node == null) {
      throw new AssertionError("not JSON: " + json);
    }
    return node;
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
