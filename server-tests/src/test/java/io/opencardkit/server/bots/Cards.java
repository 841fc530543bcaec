package io.opencardkit.server.bots;

import com.google.gson.Gson;
import com.lark.oapi.Client;
import com.lark.oapi.event.cardcallback.model.CallBackCard;
import com.lark.oapi.event.cardcallback.model.CallBackToast;
import com.lark.oapi.event.cardcallback.model.P2CardActionTriggerResponse;
import io.opencardkit.server.testkit.BotApi;
import io.opencardkit.server.testkit.TestServer;
import io.opencardkit.server.web.BotCalls;
import java.util.Map;

/** Cards with buttons, and what a bot does with them through the official SDK. */
final class Cards {
  /**
   * A card with a markdown {@code md} and a button {@code approve} whose callback value is {@code
   * {"decision":"approve"}}.
   */
  static String withButton(boolean streaming) {
    return "{\"schema\":\"2.0\",\"config\":{\"streaming_mode\":"
        + streaming
        + "},\"body\":{\"elements\":["
        + "{\"tag\":\"markdown\",\"content\":\"Approve the plan?\",\"element_id\":\"md\"},"
        + "{\"tag\":\"button\",\"element_id\":\"approve\",\"text\":{\"tag\":\"plain_text\",\"content\":\"Approve\"},"
        + "\"behaviors\":[{\"type\":\"callback\",\"value\":{\"decision\":\"approve\"}}]}]}}";
  }

  /** The page's post for a click on {@code approve}. */
  static final String CLICK = "{\"tag\":\"button\",\"element_id\":\"approve\"}";

  /** A card that only says {@code text} in {@code md}. */
  static Map<?, ?> answerCard(String text) {
    return new Gson()
        .fromJson(
            "{\"schema\":\"2.0\",\"body\":{\"elements\":[{\"tag\":\"markdown\",\"content\":\""
                + text
                + "\",\"element_id\":\"md\"}]}}",
            Map.class);
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
    return BotApi.of(sdk).createCard(cardJson);
  }

  /** Sends a card entity to a chat; returns the message id. */
  static String sendEntity(Client sdk, String chatId, String cardId) throws Exception {
    return send(sdk, chatId, BotApi.cardEntity(cardId));
  }

  /**
   * Sends card JSON (an inline card) or any interactive content to a chat; returns the message id.
   */
  static String send(Client sdk, String chatId, String content) throws Exception {
    return BotApi.assertOk(BotApi.of(sdk).send("chat_id", chatId, "interactive", content))
        .getMessageId();
  }

  /** A streaming content update of {@code md}; returns the response code. */
  static int content(Client sdk, String cardId, String text, int sequence) throws Exception {
    return BotApi.of(sdk).content(cardId, "md", text, sequence).getCode();
  }

  /** The text of {@code md} in the server's memory. */
  static String text(TestServer server, String cardId) {
    return new BotCalls(server).text(cardId);
  }

  private Cards() {}
}
