package io.opencardkit.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.lark.oapi.Client;
import com.lark.oapi.core.response.BaseResponse;
import com.lark.oapi.service.cardkit.v1.model.ContentCardElementReq;
import com.lark.oapi.service.cardkit.v1.model.ContentCardElementReqBody;
import com.lark.oapi.service.cardkit.v1.model.CreateCardReq;
import com.lark.oapi.service.cardkit.v1.model.CreateCardReqBody;
import com.lark.oapi.service.cardkit.v1.model.SettingsCardReq;
import com.lark.oapi.service.cardkit.v1.model.SettingsCardReqBody;
import com.lark.oapi.service.im.v1.model.CreateMessageReq;
import com.lark.oapi.service.im.v1.model.CreateMessageReqBody;
import io.opencardkit.core.Json;
import io.opencardkit.core.card.ElementTree;
import io.opencardkit.server.cards.CardRuntime.CardHandle;
import io.opencardkit.server.cards.CardRuntime;
import io.opencardkit.server.testkit.TestServer;
import java.util.function.Supplier;

/** What a bot does in these tests, through the official Java SDK; plus a look at the server's own card state. */
public final class BotCalls {
  /** A streaming card with a title and one markdown element {@code md}, initially empty. */
  public static final String STREAMING_CARD =
      "{\"schema\":\"2.0\",\"header\":{\"title\":{\"tag\":\"plain_text\",\"content\":\"Answer\"}},"
          + "\"config\":{\"streaming_mode\":true},\"body\":{\"elements\":[{\"tag\":\"markdown\",\"content\":\"\",\"element_id\":\"md\"}]}}";

  private final Supplier<CardRuntime> runtime;
  private final Client sdk;

  public BotCalls(TestServer server) {
    this(server.client(), () -> server.server().runtime());
  }

  /** A bot using {@code sdk}, whose card state is looked up in {@code runtime} (a node of a cluster, say). */
  public BotCalls(Client sdk, Supplier<CardRuntime> runtime) {
    this.runtime = runtime;
    this.sdk = sdk;
  }

  public String createCard(String cardJson) throws Exception {
    return ok(
            sdk.cardkit().v1().card().create(
                CreateCardReq.newBuilder()
                    .createCardReqBody(CreateCardReqBody.newBuilder().type("card_json").data(cardJson).build())
                    .build()),
            "create card")
        .getData()
        .getCardId();
  }

  /** Sends a card entity to a chat ({@code chat_id}) or a user ({@code open_id}); returns the message id. */
  public String sendCard(String receiveIdType, String receiveId, String cardId) throws Exception {
    String content = Json.write(Json.object().put("type", "card").set("data", Json.object().put("card_id", cardId)));
    return send(receiveIdType, receiveId, "interactive", content);
  }

  public String sendText(String chatId, String text) throws Exception {
    return send("chat_id", chatId, "text", Json.write(Json.object().put("text", text)));
  }

  private String send(String receiveIdType, String receiveId, String msgType, String content) throws Exception {
    return ok(
            sdk.im().v1().message().create(
                CreateMessageReq.newBuilder()
                    .receiveIdType(receiveIdType)
                    .createMessageReqBody(CreateMessageReqBody.newBuilder().receiveId(receiveId).msgType(msgType).content(content).build())
                    .build()),
            "send " + msgType)
        .getData()
        .getMessageId();
  }

  /** Streams full text into element {@code md}; returns the response code (0 when accepted). */
  public int content(String cardId, String text, int sequence) throws Exception {
    return content(cardId, text, sequence, null);
  }

  /** As {@link #content(String, String, int)} with an idempotency {@code uuid}. */
  public int content(String cardId, String text, int sequence, String uuid) throws Exception {
    return sdk.cardkit().v1().cardElement().content(
            ContentCardElementReq.newBuilder()
                .cardId(cardId)
                .elementId("md")
                .contentCardElementReqBody(ContentCardElementReqBody.newBuilder().content(text).sequence(sequence).uuid(uuid).build())
                .build())
        .getCode();
  }

  /** Sends a card entity to a chat; returns the response code (0 when sent). */
  public int sendCardCode(String chatId, String cardId) throws Exception {
    String content = Json.write(Json.object().put("type", "card").set("data", Json.object().put("card_id", cardId)));
    return sdk.im().v1().message().create(
            CreateMessageReq.newBuilder()
                .receiveIdType("chat_id")
                .createMessageReqBody(CreateMessageReqBody.newBuilder().receiveId(chatId).msgType("interactive").content(content).build())
                .build())
        .getCode();
  }

  public void contentOk(String cardId, String text, int sequence) throws Exception {
    assertThat(content(cardId, text, sequence)).as("content update %s", sequence).isZero();
  }

  public void streamingOff(String cardId, int sequence) throws Exception {
    settings(cardId, "{\"config\":{\"streaming_mode\":false}}", sequence);
  }

  /** Changes the card's settings ({@code settingsJson} as the API takes it); the call must succeed. */
  public void settings(String cardId, String settingsJson, int sequence) throws Exception {
    assertThat(settingsCode(cardId, settingsJson, sequence)).as("settings").isZero();
  }

  /** Changes the card's settings; returns the response code. */
  public int settingsCode(String cardId, String settingsJson, int sequence) throws Exception {
    return sdk.cardkit().v1().card().settings(
            SettingsCardReq.newBuilder()
                .cardId(cardId)
                .settingsCardReqBody(SettingsCardReqBody.newBuilder().settings(settingsJson).sequence(sequence).build())
                .build())
        .getCode();
  }

  /** The card's version in the server's memory. */
  public long version(String cardId) {
    CardHandle handle = runtime.get().findBlocking(cardId).orElseThrow();
    synchronized (handle) {
      return handle.state().version();
    }
  }

  /** The text of element {@code md} in the server's memory. */
  public String text(String cardId) {
    CardHandle handle = runtime.get().findBlocking(cardId).orElseThrow();
    synchronized (handle) {
      return ElementTree.content(ElementTree.find(handle.state().card(), "md"));
    }
  }

  private static <R extends BaseResponse<?>> R ok(R resp, String what) {
    assertThat(resp.getCode()).as("%s: code (msg %s)", what, resp.getMsg()).isZero();
    return resp;
  }
}
