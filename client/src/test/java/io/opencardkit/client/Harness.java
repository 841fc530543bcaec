package io.opencardkit.client;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.lark.oapi.Client;
import com.lark.oapi.service.im.v1.model.GetMessageReq;
import com.lark.oapi.service.im.v1.model.GetMessageResp;
import com.lark.oapi.service.im.v1.model.ListMessageReq;
import com.lark.oapi.service.im.v1.model.ListMessageResp;
import io.opencardkit.server.testkit.MutableClock;
import io.opencardkit.server.testkit.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A real OpenCardKit server on a fake clock, a bot whose official SDK goes through a {@link
 * FaultyTransport}, card streams on a {@link ManualScheduler} sharing the clock, and readers that
 * look at the cards as a chat member would (through a second, fault-free SDK client).
 */
final class Harness implements AutoCloseable {
  final MutableClock clock = MutableClock.startingNow();
  final TestServer server;
  final FaultyTransport transport = new FaultyTransport(clock);
  final Client sdk;
  final ManualScheduler scheduler = new ManualScheduler(clock);
  private final Client reader;
  private final List<CardStreams> opened = new ArrayList<>();

  Harness() {
    this(Duration.ofMinutes(10));
  }

  /** A server whose streaming window is {@code streamingTimeout}. */
  Harness(Duration streamingTimeout) {
    this.server = TestServer.start(clock, streamingTimeout);
    this.sdk =
        Client.newBuilder(server.seed.appId, server.seed.appSecret)
            .openBaseUrl(server.baseUrl())
            .httpTransport(transport)
            .build();
    this.reader = server.client();
  }

  /** Card streams for the bot, on the fake clock; {@code options} adjusts the builder. */
  CardStreams streams(UnaryOperator<CardStreams.Builder> options) {
    CardStreams streams =
        options.apply(CardStreams.builder(sdk).clock(clock).scheduler(scheduler)).build();
    opened.add(streams);
    return streams;
  }

  CardStreams streams() {
    return streams(UnaryOperator.identity());
  }

  /**
   * Appends {@code tokens} one by one, letting {@code every} pass on the clock (and the writer run)
   * after each.
   */
  void appendOverTime(CardStream stream, List<String> tokens, Duration every) {
    for (String token : tokens) {
      stream.append(token);
      scheduler.runFor(every);
    }
  }

  /** The streamed text a card message shows now. */
  String shownText(CardRef card) throws Exception {
    JsonObject element = findElement(shownCard(card.messageId()), CardStream.TEXT_ELEMENT_ID);
    if (element == null) {
      throw new AssertionError("card " + card + " has no element " + CardStream.TEXT_ELEMENT_ID);
    }
    return element.get("content").getAsString();
  }

  /** All streamed text of an answer's cards, concatenated in order. */
  String shownText(List<CardRef> cards) throws Exception {
    StringBuilder all = new StringBuilder();
    for (CardRef card : cards) {
      all.append(shownText(card));
    }
    return all.toString();
  }

  /** The card JSON a message shows now ({@code items[0].body.content}). */
  JsonObject shownCard(String messageId) throws Exception {
    return JsonParser.parseString(message(messageId).getData().getItems()[0].getBody().getContent())
        .getAsJsonObject();
  }

  /** Whether the card a message shows is still in streaming mode. */
  boolean streaming(String messageId) throws Exception {
    JsonObject config = shownCard(messageId).getAsJsonObject("config");
    return config != null
        && config.has("streaming_mode")
        && config.get("streaming_mode").getAsBoolean();
  }

  /** The chat-list preview of a message (OpenCardKit's extra {@code summary} field). */
  String summary(String messageId) throws Exception {
    GetMessageResp resp = message(messageId);
    JsonObject raw =
        JsonParser.parseString(new String(resp.getRawResponse().getBody(), StandardCharsets.UTF_8))
            .getAsJsonObject();
    return raw.getAsJsonObject("data")
        .getAsJsonArray("items")
        .get(0)
        .getAsJsonObject()
        .get("summary")
        .getAsString();
  }

  /** The chat a message is in. */
  String chatOf(String messageId) throws Exception {
    return message(messageId).getData().getItems()[0].getChatId();
  }

  /** The message a message replies to, or null. */
  String parentOf(String messageId) throws Exception {
    return message(messageId).getData().getItems()[0].getParentId();
  }

  /**
   * Asserts two (long) texts are equal; a mismatch reports where they first differ instead of both
   * texts in full.
   */
  static void assertSameText(String actual, String expected) {
    if (actual.equals(expected)) {
      return;
    }
    int i = 0;
    while (i < actual.length() && i < expected.length() && actual.charAt(i) == expected.charAt(i)) {
      i++;
    }
    throw new AssertionError(
        String.format(
            "texts differ at index %d (lengths: actual %d, expected %d): actual ...%s... expected ...%s...",
            i, actual.length(), expected.length(), around(actual, i), around(expected, i)));
  }

  private static String around(String text, int i) {
    return text.substring(Math.max(0, i - 40), Math.min(text.length(), i + 40))
        .replace("\n", "\\n");
  }

  /** How many messages of a chat show cards (msg_type interactive). */
  int cardMessagesIn(String chatId) throws Exception {
    ListMessageResp resp =
        reader
            .im()
            .v1()
            .message()
            .list(
                ListMessageReq.newBuilder()
                    .containerIdType("chat")
                    .containerId(chatId)
                    .pageSize(50)
                    .build());
    if (!resp.success()) {
      throw new AssertionError("list " + chatId + ": " + resp.getCode() + " " + resp.getMsg());
    }
    int count = 0;
    for (var item :
        resp.getData().getItems() == null
            ? new com.lark.oapi.service.im.v1.model.Message[0]
            : resp.getData().getItems()) {
      if ("interactive".equals(item.getMsgType())) {
        count++;
      }
    }
    return count;
  }

  /** The element with this id anywhere in the card, or null. */
  static JsonObject findElement(JsonElement node, String elementId) {
    if (node == null || node.isJsonNull() || node.isJsonPrimitive()) {
      return null;
    }
    if (node.isJsonArray()) {
      for (JsonElement child : (JsonArray) node) {
        JsonObject found = findElement(child, elementId);
        if (found != null) {
          return found;
        }
      }
      return null;
    }
    JsonObject object = node.getAsJsonObject();
    if (object.has("element_id") && elementId.equals(object.get("element_id").getAsString())) {
      return object;
    }
    for (String key : object.keySet()) {
      if (!key.equals("behaviors")) {
        JsonObject found = findElement(object.get(key), elementId);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  private GetMessageResp message(String messageId) throws Exception {
    GetMessageResp resp =
        reader.im().v1().message().get(GetMessageReq.newBuilder().messageId(messageId).build());
    if (!resp.success()) {
      throw new AssertionError(
          "GET message " + messageId + ": " + resp.getCode() + " " + resp.getMsg());
    }
    return resp;
  }

  @Override
  public void close() {
    opened.forEach(CardStreams::close);
    server.close();
  }

  /**
   * Waits for a future the writer completes (with the manual scheduler it is already done once the
   * steps ran).
   */
  static <T> T done(java.util.concurrent.CompletableFuture<T> future) throws Exception {
    return future.get(30, TimeUnit.SECONDS);
  }
}
