package io.opencardkit.server.browser;

import static io.opencardkit.server.testkit.BotApi.assertOk;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.server.testkit.BotApi;
import io.opencardkit.server.testkit.TestServer;

/**
 * The seeded bot of a {@link TestServer} as the page tests drive it: {@link BotApi} with the
 * sequence numbered for the test and every message sent to the seeded chat.
 */
final class Bot {
  private final TestServer server;
  private final BotApi api;
  private int sequence;
  private String lastMessageId;

  Bot(TestServer server) {
    this.server = server;
    this.api = BotApi.of(server);
  }

  /** Creates a card entity and sends it to the seeded chat; returns the card id. */
  String sendCard(String cardJson) throws Exception {
    String cardId = api.createCard(cardJson);
    lastMessageId = api.sendCardToChat(server.seed.chatId, cardId);
    return cardId;
  }

  /** Sends a message of any type to the seeded chat; returns its id. */
  String sendMessage(String msgType, String content) throws Exception {
    return assertOk(api.send("chat_id", server.seed.chatId, msgType, content)).getMessageId();
  }

  /**
   * Streams a full text into an element with the next sequence; returns the response code (0 when
   * accepted).
   */
  int content(String cardId, String elementId, String text) throws Exception {
    return content(cardId, elementId, text, ++sequence);
  }

  /** Streams with an explicit sequence (to provoke a refusal). */
  int content(String cardId, String elementId, String text, int seq) throws Exception {
    return api.content(cardId, elementId, text, seq).getCode();
  }

  void contentOk(String cardId, String elementId, String text) throws Exception {
    assertThat(content(cardId, elementId, text)).as("content %s", text).isZero();
  }

  /** Appends elements (a JSON array) to the end of a card's body. */
  void appendElements(String cardId, String elementsJson) throws Exception {
    assertOk(api.addElements(cardId, "append", null, elementsJson, ++sequence));
  }

  /** PATCH settings with a {"config":…} JSON. */
  void settings(String cardId, String settingsJson) throws Exception {
    assertThat(api.settings(cardId, settingsJson, ++sequence).getCode())
        .as("settings %s", settingsJson)
        .isZero();
  }

  void streamingOff(String cardId) throws Exception {
    settings(cardId, "{\"config\":{\"streaming_mode\":false}}");
  }

  /** The message id of the last card sent. */
  String lastMessageId() {
    return lastMessageId;
  }
}
