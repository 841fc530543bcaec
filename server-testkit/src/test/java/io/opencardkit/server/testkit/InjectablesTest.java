package io.opencardkit.server.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A test can be handed both halves of a bot and a user's page, each already connected. */
@OpenCardKitTest
final class InjectablesTest {
  @Test
  void aBotsCallsItsLongConnectionAndAlicesPage_areReady(
      BotApi bot, SdkBot listener, PageSocket alice, TestServer server) throws Exception {
    // The listening bot's long connection is open (as after the SDK's Client.start()), and it
    // hears a message a user sends in the group it is a member of.
    assertThat(server.server().bots().longConnectionCount(server.seed.appId)).isEqualTo(1);

    BotApi.assertOk(
        bot.send("chat_id", server.seed.chatId, "text", "{\"text\":\"hello from the bot\"}"));

    JsonNode frame =
        alice.await(
            f -> "message".equals(f.path("type").asText()),
            Duration.ofSeconds(10),
            "the bot's message on Alice's page");
    assertThat(frame.path("message").toString()).contains("hello from the bot");
    assertThat(listener.events).isEmpty(); // a bot does not hear its own messages
  }
}
