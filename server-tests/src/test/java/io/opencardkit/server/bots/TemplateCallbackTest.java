package io.opencardkit.server.bots;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.gson.Gson;
import com.lark.oapi.Client;
import com.lark.oapi.event.cardcallback.model.CallBackCard;
import com.lark.oapi.event.cardcallback.model.P2CardActionTriggerResponse;
import io.opencardkit.server.testkit.Await;
import io.opencardkit.server.testkit.MutableClock;
import io.opencardkit.server.testkit.PageSocket;
import io.opencardkit.server.testkit.SdkBot;
import io.opencardkit.server.testkit.TestSeed;
import io.opencardkit.server.testkit.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A bot answers a card callback with {@code {"card":{"type":"template","data":…}}}: the card
 * becomes what it renders.
 */
final class TemplateCallbackTest {
  private final MutableClock clock = MutableClock.startingNow();
  private final SdkBot bot = SdkBot.webhook();
  private final TestSeed seed = new TestSeed();
  private final TestServer server;
  private final Client sdk;

  TemplateCallbackTest() throws IOException {
    Path templates = Files.createTempDirectory("okc-templates");
    Files.writeString(
        templates.resolve("AAqAnswer001.json"),
        "{\"schema\":\"2.0\",\"body\":{\"elements\":[{\"tag\":\"markdown\",\"element_id\":\"md\",\"content\":\"${verdict} by ${who}\"}]}}");
    bot.configure(seed);
    server = TestServer.start(seed, clock, Duration.ofMinutes(10), c -> c.withTemplates(templates));
    sdk = server.client();
  }

  @AfterEach
  void stop() {
    server.close();
    bot.close();
  }

  @Test
  void answerWithTemplate_onCardEntity_replacesTheCardWithTheRenderedTemplate() throws Exception {
    String cardId = Cards.create(sdk, Cards.withButton(false));
    String messageId = Cards.sendEntity(sdk, seed.chatId, cardId);
    bot.cardAnswer =
        e ->
            templateAnswer(
                "AAqAnswer001",
                Map.of("verdict", "Approved", "who", e.getEvent().getOperator().getOpenId()));

    JsonNode answer =
        new Page(server.baseUrl(), seed.alice)
            .act(messageId, Cards.CLICK)
            .get(20, TimeUnit.SECONDS);

    assertThat(answer.get("delivered").asBoolean()).isTrue();
    assertThat(Cards.text(server, cardId)).isEqualTo("Approved by " + seed.alice);
  }

  @Test
  void answerWithUnknownTemplate_keepsTheCardAndTellsTheUserWhy() throws Exception {
    String cardId = Cards.create(sdk, Cards.withButton(false));
    String messageId = Cards.sendEntity(sdk, seed.chatId, cardId);
    bot.cardAnswer = e -> templateAnswer("AAqNoSuch0001", Map.of());
    try (PageSocket alice = PageSocket.signedIn(server.baseUrl(), seed.alice)) {

      new Page(server.baseUrl(), seed.alice).act(messageId, Cards.CLICK).get(20, TimeUnit.SECONDS);

      JsonNode toast = alice.await(f -> "toast".equals(f.path("type").asText()), Await.WAIT);
      assertThat(toast.at("/toast/type").asText()).isEqualTo("error");
      assertThat(toast.at("/toast/content").asText())
          .contains("template does not exist", "AAqNoSuch0001");
      assertThat(Cards.text(server, cardId)).isEqualTo("Approve the plan?");
    }
  }

  private static P2CardActionTriggerResponse templateAnswer(
      String templateId, Map<String, String> variables) {
    CallBackCard card = new CallBackCard();
    card.setType("template");
    card.setData(
        new Gson()
            .fromJson(
                new Gson()
                    .toJson(Map.of("template_id", templateId, "template_variable", variables)),
                Map.class));
    P2CardActionTriggerResponse response = new P2CardActionTriggerResponse();
    response.setCard(card);
    return response;
  }
}
