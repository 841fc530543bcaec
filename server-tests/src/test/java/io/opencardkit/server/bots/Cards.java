package io.opencardkit.server.bots;

import com.google.gson.Gson;
import com.lark.oapi.Client;
import com.lark.oapi.event.cardcallback.model.CallBackCard;
import com.lark.oapi.event.cardcallback.model.CallBackToast;
import com.lark.oapi.event.cardcallback.model.P2CardActionTriggerResponse;
import com.lark.oapi.service.cardkit.v1.model.ContentCardElementReq;
import com.lark.oapi.service.cardkit.v1.model.ContentCardElementReqBody;
import com.lark.oapi.service.cardkit.v1.model.CreateCardReq;
import com.lark.oapi.service.cardkit.v1.model.CreateCardReqBody;
import com.lark.oapi.service.im.v1.model.CreateMessageReq;
import com.lark.oapi.service.im.v1.model.CreateMessageReqBody;
import io.opencardkit.core.Json;
import io.opencardkit.core.card.ElementTree;
import io.opencardkit.server.cards.CardRuntime.CardHandle;
import io.opencardkit.server.testkit.TestServer;
import java.util.Map;

/** Cards with buttons, and what a bot does with them through the official SDK. */
final class Cards {
  /** A card with a markdown {@code md} and a button {@code approve} whose callback value is {@code {"decision":"approve"}}. */
  static String withButton(boolean streaming) {
    return "{\"schema\":\"2.0\",\"config\":{\"streaming_mode\":" + streaming + "},\"body\":{\"elements\":["
        + "{\"tag\":\"markdown\",\"content\":\"Approve the plan?\",\"element_id\":\"md\"},"
        + "{\"tag\":\"button\",\"element_id\":\"approve\",\"text\":{\"tag\":\"plain_text\",\"content\":\"Approve\"},"
        + "\"behaviors\":[{\"type\":\"callback\",\"value\":{\"decision\":\"approve\"}}]}]}}";
  }

  /** The page's post for a click on {@code approve}. */
  static final String CLICK = "{\"tag\":\"button\",\"element_id\":\"approve\"}";

  /** A card that only says {@code text} in {@code md}. */
  static Map<?, ?> answerCard(String text) {
    return new Gson().fromJson("{\"schema\":\"2.0\",\"body\":{\"elements\":[{\"tag\":\"markdown\",\"content\":\"" + text + "\",\"element_id\":\"md\"}]}}", Map.class);
  }

  /** The bot's answer: a toast, and a new card when {@code cardText} is not null. */
  static P2CardActionTriggerResponse answer(String toastType, String toastText, String cardText) {
    P2CardActionTriggerResponse response = new P2CardActionTriggerResponse();
    CallBackToast toast = new CallBackToast();
    toast.setType(toastType);
    toast.setContent(toastText);
    response.setToast(toast);
    if (cardText != null) {
      CallBackCard card = new CallBackCard();
      card.setType("raw");
      card.setData(answerCard(cardText));
      response.setCard(card);
    }
    return response;
  }

  static String create(Client sdk, String cardJson) throws Exception {
    var resp = sdk.cardkit().v1().card().create(CreateCardReq.newBuilder().createCardReqBody(CreateCardReqBody.newBuilder().type("card_json").data(cardJson).build()).build());
    if (resp.getCode() != 0) {
      throw new AssertionError("create card: " + resp.getCode() + " " + resp.getMsg());
    }
    return resp.getData().getCardId();
  }

  /** Sends a card entity to a chat; returns the message id. */
  static String sendEntity(Client sdk, String chatId, String cardId) throws Exception {
    return send(sdk, chatId, Json.write(Json.object().put("type", "card").set("data", Json.object().put("card_id", cardId))));
  }

  /** Sends card JSON (an inline card) or any interactive content to a chat; returns the message id. */
  static String send(Client sdk, String chatId, String content) throws Exception {
    var resp = sdk.im().v1().message().create(
        CreateMessageReq.newBuilder().receiveIdType("chat_id")
            .createMessageReqBody(CreateMessageReqBody.newBuilder().receiveId(chatId).msgType("interactive").content(content).build()).build());
    if (resp.getCode() != 0) {
      throw new AssertionError("send: " + resp.getCode() + " " + resp.getMsg());
    }
    return resp.getData().getMessageId();
  }

  /** A streaming content update of {@code md}; returns the response code. */
  static int content(Client sdk, String cardId, String text, int sequence) throws Exception {
    return sdk.cardkit().v1().cardElement().content(
            ContentCardElementReq.newBuilder().cardId(cardId).elementId("md")
                .contentCardElementReqBody(ContentCardElementReqBody.newBuilder().content(text).sequence(sequence).build()).build())
        .getCode();
  }

  /** The text of {@code md} in the server's memory. */
  static String text(TestServer server, String cardId) {
    CardHandle handle = server.server().runtime().findBlocking(cardId).orElseThrow();
    synchronized (handle) {
      return ElementTree.content(ElementTree.find(handle.state().card(), "md"));
    }
  }

  private Cards() {}
}
