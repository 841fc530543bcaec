package io.opencardkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.lark.oapi.Client;
import com.lark.oapi.service.im.v1.model.CreateMessageReq;
import com.lark.oapi.service.im.v1.model.CreateMessageReqBody;
import com.lark.oapi.service.im.v1.model.ListMessageReq;
import com.lark.oapi.service.im.v1.model.Message;
import io.opencardkit.client.CardStream;
import io.opencardkit.client.CardStreams;
import io.opencardkit.server.testkit.Await;
import io.opencardkit.server.testkit.OpenCardKitTest;
import io.opencardkit.server.testkit.TestSeed;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * How a bot author tests a streaming bot in CI: {@link OpenCardKitTest} starts a real OpenCardKit
 * server for the test and hands it the official SDK signed in as a seeded bot; the bot's own code
 * ({@link StreamingBotTemplate#answer}) runs unchanged, and the test reads the card back through
 * the SDK as Feishu would show it.
 */
@OpenCardKitTest
final class StreamingBotTemplateTest {
  @Test
  void answer_streamsIntoACardThatRepliesToTheQuestion_andEndsStreaming(Client sdk, TestSeed seed)
      throws Exception {
    String question =
        say(sdk, seed.chatId, "hello"); // in production a user's message, delivered as an event

    try (CardStreams streams = CardStreams.builder(sdk).build()) {
      StreamingBotTemplate.answer(streams, question, "hello");
      // The card streams in the background; wait until the chat shows the finished answer.
      Await.until(
          Duration.ofSeconds(20),
          () -> replyTo(sdk, seed.chatId, question).map(c -> !streaming(c)).orElse(false));
    }

    JsonObject card = replyTo(sdk, seed.chatId, question).orElseThrow();
    assertThat(element(card, CardStream.TEXT_ELEMENT_ID).get("content").getAsString())
        .isEqualTo("You said: **hello**");
  }

  /** Sends a text message to the chat; returns its id. */
  private static String say(Client sdk, String chatId, String text) throws Exception {
    return sdk.im()
        .v1()
        .message()
        .create(
            CreateMessageReq.newBuilder()
                .receiveIdType("chat_id")
                .createMessageReqBody(
                    CreateMessageReqBody.newBuilder()
                        .receiveId(chatId)
                        .msgType("text")
                        .content("{\"text\":\"" + text + "\"}")
                        .build())
                .build())
        .getData()
        .getMessageId();
  }

  /**
   * The card of the chat's reply to {@code messageId}, as the chat shows it; empty until there is
   * one.
   */
  private static Optional<JsonObject> replyTo(Client sdk, String chatId, String messageId)
      throws Exception {
    Message[] items =
        sdk.im()
            .v1()
            .message()
            .list(
                ListMessageReq.newBuilder()
                    .containerIdType("chat")
                    .containerId(chatId)
                    .pageSize(50)
                    .build())
            .getData()
            .getItems();
    return Arrays.stream(items == null ? new Message[0] : items)
        .filter(m -> messageId.equals(m.getParentId()) && "interactive".equals(m.getMsgType()))
        .map(m -> JsonParser.parseString(m.getBody().getContent()).getAsJsonObject())
        .findFirst();
  }

  private static boolean streaming(JsonObject card) {
    JsonObject config = card.getAsJsonObject("config");
    return config != null
        && config.has("streaming_mode")
        && config.get("streaming_mode").getAsBoolean();
  }

  /** The element with {@code elementId}, anywhere in the card. */
  private static JsonObject element(JsonElement json, String elementId) {
    if (json.isJsonObject()) {
      JsonObject object = json.getAsJsonObject();
      if (object.has("element_id") && elementId.equals(object.get("element_id").getAsString())) {
        return object;
      }
      for (var field : object.entrySet()) {
        JsonObject found = element(field.getValue(), elementId);
        if (found != null) {
          return found;
        }
      }
    } else if (json.isJsonArray()) {
      for (JsonElement child : json.getAsJsonArray()) {
        JsonObject found = element(child, elementId);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }
}
