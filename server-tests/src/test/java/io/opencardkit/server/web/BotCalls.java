package io.opencardkit.server.web;

import static io.opencardkit.server.testkit.BotApi.assertOk;
import static org.assertj.core.api.Assertions.assertThat;

import com.lark.oapi.Client;
import io.opencardkit.core.Json;
import io.opencardkit.core.card.ElementTree;
import io.opencardkit.server.cards.CardRuntime;
import io.opencardkit.server.cards.CardRuntime.CardHandle;
import io.opencardkit.server.testkit.BotApi;
import io.opencardkit.server.testkit.TestServer;
import java.util.function.Supplier;

/**
 * What a bot does in the web tests, with {@link BotApi} on one streaming element {@code md}; plus a
 * look at the server's own card state.
 */
public final class BotCalls {
  /** A streaming card with a title and one markdown element {@code md}, initially empty. */
  public static final String STREAMING_CARD =
      "{\"schema\":\"2.0\",\"header\":{\"title\":{\"tag\":\"plain_text\",\"content\":\"Answer\"}},"
          + "\"config\":{\"streaming_mode\":true},\"body\":{\"elements\":[{\"tag\":\"markdown\",\"content\":\"\",\"element_id\":\"md\"}]}}";

  private final Supplier<CardRuntime> runtime;
  private final BotApi api;

  public BotCalls(TestServer server) {
    this(server.client(), () -> server.server().runtime());
  }

  /**
   * A bot using {@code sdk}, whose card state is looked up in {@code runtime} (a node of a cluster,
   * say).
   */
  public BotCalls(Client sdk, Supplier<CardRuntime> runtime) {
    this.runtime = runtime;
    this.api = BotApi.of(sdk);
  }

  public String createCard(String cardJson) throws Exception {
    return api.createCard(cardJson);
  }

  /**
   * Sends a card entity to a chat ({@code chat_id}) or a user ({@code open_id}); returns the
   * message id.
   */
  public String sendCard(String receiveIdType, String receiveId, String cardId) throws Exception {
    return assertOk(api.sendCard(receiveIdType, receiveId, cardId)).getMessageId();
  }

  public String sendText(String chatId, String text) throws Exception {
    return assertOk(
            api.send("chat_id", chatId, "text", Json.write(Json.object().put("text", text))))
        .getMessageId();
  }

  /** Streams full text into element {@code md}; returns the response code (0 when accepted). */
  public int content(String cardId, String text, int sequence) throws Exception {
    return content(cardId, text, sequence, null);
  }

  /** As {@link #content(String, String, int)} with an idempotency {@code uuid}. */
  public int content(String cardId, String text, int sequence, String uuid) throws Exception {
    return api.content(cardId, "md", text, sequence, uuid).getCode();
  }

  /** Sends a card entity to a chat; returns the response code (0 when sent). */
  public int sendCardCode(String chatId, String cardId) throws Exception {
    return api.sendCard("chat_id", chatId, cardId).getCode();
  }

  public void contentOk(String cardId, String text, int sequence) throws Exception {
    assertThat(content(cardId, text, sequence)).as("content update %s", sequence).isZero();
  }

  public void streamingOff(String cardId, int sequence) throws Exception {
    settings(cardId, "{\"config\":{\"streaming_mode\":false}}", sequence);
  }

  /**
   * Changes the card's settings ({@code settingsJson} as the API takes it); the call must succeed.
   */
  public void settings(String cardId, String settingsJson, int sequence) throws Exception {
    assertThat(settingsCode(cardId, settingsJson, sequence)).as("settings").isZero();
  }

  /** Changes the card's settings; returns the response code. */
  public int settingsCode(String cardId, String settingsJson, int sequence) throws Exception {
    return api.settings(cardId, settingsJson, sequence).getCode();
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
}
