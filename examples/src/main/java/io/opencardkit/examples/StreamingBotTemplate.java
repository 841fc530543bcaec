package io.opencardkit.examples;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.lark.oapi.Client;
import com.lark.oapi.event.EventDispatcher;
import com.lark.oapi.service.im.ImService;
import com.lark.oapi.service.im.v1.model.EventMessage;
import com.lark.oapi.service.im.v1.model.P2MessageReceiveV1;
import io.opencardkit.client.CardStream;
import io.opencardkit.client.CardStreams;
import io.opencardkit.client.Target;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A streaming bot to copy: it receives messages over the long connection and answers each with a
 * streamed card. Replace {@link #yourModel} with your language model; everything else works
 * unchanged against Feishu, Lark and OpenCardKit.
 *
 * <pre>
 * OPENCARDKIT_BASE_URL=http://127.0.0.1:8080 APP_ID=cli_... APP_SECRET=... \
 *   java -cp examples.jar io.opencardkit.examples.StreamingBotTemplate
 * </pre>
 *
 * Without {@code OPENCARDKIT_BASE_URL} the bot talks to Feishu ({@code https://open.feishu.cn}).
 */
public final class StreamingBotTemplate {
  private StreamingBotTemplate() {}

  public static void main(String[] args) {
    String baseUrl = System.getenv().getOrDefault("OPENCARDKIT_BASE_URL", "https://open.feishu.cn");
    String appId = requireEnv("APP_ID");
    String appSecret = requireEnv("APP_SECRET");

    // The official SDK; the base URL is the only difference between Feishu and OpenCardKit.
    Client sdk = Client.newBuilder(appId, appSecret).openBaseUrl(baseUrl).build();
    // The streaming helper: one writer per card, safe retries, follow-up cards for long answers.
    CardStreams streams = CardStreams.builder(sdk).build();
    // Answers are generated off the event thread: the long connection expects handlers back within
    // 3 seconds.
    ExecutorService answering = Executors.newFixedThreadPool(8);

    EventDispatcher events =
        EventDispatcher.newBuilder("", "") // long connection: no verification token, no encrypt key
            .onP2MessageReceiveV1(
                new ImService.P2MessageReceiveV1Handler() {
                  @Override
                  public void handle(P2MessageReceiveV1 event) {
                    EventMessage message = event.getEvent().getMessage();
                    String question = textOf(message);
                    answering.execute(() -> answer(streams, message.getMessageId(), question));
                  }
                })
            .build();

    // Receive events over the long connection (a WebSocket the bot opens; no public URL needed).
    new com.lark.oapi.ws.Client.Builder(appId, appSecret)
        .domain(baseUrl)
        .eventHandler(events)
        .build()
        .start();
  }

  /** Streams the answer to one message as a reply; the part of a bot that is really yours. */
  static void answer(CardStreams streams, String messageId, String question) {
    CardStream card =
        streams.open(
            Target.reply(messageId)); // returns at once; the card appears in the background
    try {
      for (String token : yourModel(question)) {
        card.append(token); // never blocks: updates are coalesced to 10 per second
      }
      // Closes streaming: the chat list shows this summary instead of "[生成中...]". Add buttons etc.
      // as elements.
      card.finish("Re: " + question, List.of());
    } catch (RuntimeException e) {
      card.fail(
          "Sorry, the answer failed: "
              + e.getMessage()); // keeps the text so far, adds the error below
    }
  }

  /** Your language model: tokens as they are generated. */
  private static Iterable<String> yourModel(String question) {
    return List.of("You said: ", "**", question, "**");
  }

  /** The text of a text message ({@code {"text":"..."}}); other message types get a placeholder. */
  private static String textOf(EventMessage message) {
    if (!"text".equals(message.getMessageType())) {
      return "(" + message.getMessageType() + ")";
    }
    JsonObject content = JsonParser.parseString(message.getContent()).getAsJsonObject();
    return content.has("text") ? content.get("text").getAsString() : "";
  }

  private static String requireEnv(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("set the environment variable " + name);
    }
    return value;
  }
}
