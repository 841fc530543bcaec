package io.opencardkit.server.bots;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.lark.oapi.Client;
import com.lark.oapi.card.model.CardAction;
import io.opencardkit.server.testkit.Await;
import io.opencardkit.server.testkit.MutableClock;
import io.opencardkit.server.testkit.PageSocket;
import io.opencardkit.server.testkit.SdkBot;
import io.opencardkit.server.testkit.TestSeed;
import io.opencardkit.server.testkit.TestServer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An app subscribed to the legacy {@code card.action.trigger_v1} ({@code card_callback} in the
 * seed) gets the flat body the official Java SDK's {@code CardActionHandler} reads, signed with
 * SHA-1 over its Verification Token.
 */
final class LegacyCallbackTest {
  private final SdkBot bot = SdkBot.legacyWebhook();
  private final TestSeed seed = new TestSeed();
  private final TestServer server;
  private final Client sdk;

  LegacyCallbackTest() {
    bot.configure(seed);
    server = TestServer.start(seed, MutableClock.startingNow(), Duration.ofMinutes(10));
    sdk = server.client();
  }

  @AfterEach
  void stop() {
    server.close();
    bot.close();
  }

  @Test
  void click_reachesCardActionHandlerAndItsToastAndCardTakeEffect() throws Exception {
    String cardId = Cards.create(sdk, Cards.withButton(false));
    String messageId = Cards.sendEntity(sdk, seed.chatId, cardId);
    bot.legacyAnswer =
        action ->
            Map.of(
                "toast",
                Map.of("type", "success", "content", "Noted"),
                "card",
                Map.of("type", "raw", "data", Cards.answerCard("Noted")));
    try (PageSocket alice = PageSocket.signedIn(server.baseUrl(), seed.alice)) {

      JsonNode answer =
          new Page(server.baseUrl(), seed.alice)
              .act(messageId, Cards.CLICK)
              .get(20, TimeUnit.SECONDS);

      assertThat(answer.get("delivered").asBoolean()).isTrue();
      CardAction action = bot.legacyCallbacks.get(0);
      assertThat(action.getOpenId()).isEqualTo(seed.alice);
      assertThat(action.getOpenMessageId()).isEqualTo(messageId);
      assertThat(action.getOpenChatId()).isEqualTo(seed.chatId);
      assertThat(action.getAction().getTag()).isEqualTo("button");
      assertThat(action.getAction().getValue()).containsEntry("decision", "approve");
      // The legacy callback is never encrypted; its signature is SHA-1 over the Verification Token
      // (the SDK checked it).
      SdkBot.Delivery delivery = bot.deliveries.get(bot.deliveries.size() - 1);
      assertThat(delivery.body()).startsWith("{\"open_id\":");
      assertThat(delivery.headers()).containsKey("x-lark-signature");
      assertThat(bot.typesAt("/callbacks"))
          .containsExactly("url_verification", "card.action.trigger_v1");
      assertThat(
              alice
                  .await(f -> "toast".equals(f.path("type").asText()), Await.WAIT)
                  .get("toast")
                  .get("content")
                  .asText())
          .isEqualTo("Noted");
      assertThat(Cards.text(server, cardId)).isEqualTo("Noted");
    }
  }
}
