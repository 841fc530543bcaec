package io.opencardkit.server.bots;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.lark.oapi.Client;
import com.lark.oapi.service.im.v1.model.EventMessage;
import io.opencardkit.core.Json;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.testkit.Await;
import io.opencardkit.server.testkit.MutableClock;
import io.opencardkit.server.testkit.PageSocket;
import io.opencardkit.server.testkit.SdkBot;
import io.opencardkit.server.testkit.TestSeed;
import io.opencardkit.server.testkit.TestServer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A bot started with the official Java SDK's {@code ws.Client} and no public URL receives events
 * and callbacks.
 */
final class LongConnectionTest {
  private final TestSeed seed = new TestSeed();
  private final TestServer server =
      TestServer.start(seed, MutableClock.startingNow(), Duration.ofMinutes(10));
  private final Client sdk = server.client();
  private final SdkBot bot = SdkBot.connect(server);

  @AfterEach
  void stop() throws Exception {
    bot.close();
    server.close();
  }

  @Test
  void userMessage_reachesTheSdkEventHandler() throws Exception {
    String p2p = Directory.p2pChatId(seed.appId, seed.alice);

    String messageId =
        new Page(server.baseUrl(), seed.alice).say(p2p, "hi over the long connection");

    Await.until("the event is handled", () -> bot.events.size() == 1);
    EventMessage message = bot.events.get(0).getEvent().getMessage();
    assertThat(bot.events.get(0).getHeader().getEventType()).isEqualTo("im.message.receive_v1");
    assertThat(message.getMessageId()).isEqualTo(messageId);
    assertThat(message.getContent()).isEqualTo("{\"text\":\"hi over the long connection\"}");
    assertThat(bot.events.get(0).getEvent().getSender().getSenderId().getOpenId())
        .isEqualTo(seed.alice);
  }

  @Test
  void cardAction_reachesTheSdkCardHandlerAndItsAnswerTakesEffect() throws Exception {
    String cardId = Cards.create(sdk, Cards.withButton(false));
    String messageId = Cards.sendEntity(sdk, seed.chatId, cardId);
    bot.cardAnswer = e -> Cards.answer("success", "Approved over the long connection", "Approved");
    try (PageSocket alice = PageSocket.signedIn(server.baseUrl(), seed.alice)) {

      JsonNode answer =
          new Page(server.baseUrl(), seed.alice)
              .act(messageId, Cards.CLICK)
              .get(20, TimeUnit.SECONDS);

      assertThat(answer.get("delivered").asBoolean()).isTrue();
      assertThat(bot.callbacks)
          .singleElement()
          .satisfies(
              c -> {
                assertThat(c.getHeader().getEventType()).isEqualTo("card.action.trigger");
                assertThat(c.getEvent().getAction().getValue())
                    .containsEntry("decision", "approve");
                assertThat(c.getEvent().getOperator().getOpenId()).isEqualTo(seed.alice);
                assertThat(c.getEvent().getContext().getOpenMessageId()).isEqualTo(messageId);
              });
      JsonNode toast = alice.await(f -> "toast".equals(f.path("type").asText()), Await.WAIT);
      assertThat(Json.write(toast.get("toast")))
          .isEqualTo("{\"type\":\"success\",\"content\":\"Approved over the long connection\"}");
      assertThat(Cards.text(server, cardId)).isEqualTo("Approved");
    }
  }

  @Test
  void largeMessage_reachesTheSdkWhole() throws Exception {
    // Regression: split into 60 KiB parts, this event was sometimes lost by the SDK's racy
    // reassembly under load. It now
    // goes out as one message (LongConnectionFrames.MAX_PART_BYTES), fragmented on the wire by the
    // WebSocket layers.
    String text = "0123456789".repeat(8_000) + "完";

    new Page(server.baseUrl(), seed.alice).say(Directory.p2pChatId(seed.appId, seed.alice), text);

    Await.until("the event is handled", () -> bot.events.size() == 1);
    assertThat(
            Json.parseOrNull(bot.events.get(0).getEvent().getMessage().getContent())
                .get("text")
                .asText())
        .isEqualTo(text);
  }
}
