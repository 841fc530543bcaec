package io.opencardkit.server.bots;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.lark.oapi.service.im.v1.model.EventMessage;
import io.opencardkit.core.Json;
import io.opencardkit.server.directory.App;
import io.opencardkit.server.testkit.Await;
import io.opencardkit.server.testkit.MutableClock;
import io.opencardkit.server.testkit.SdkBot;
import io.opencardkit.server.testkit.TestSeed;
import io.opencardkit.server.testkit.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A {@code post} that mentions a bot with an {@code at} element reaches it in a group as a text
 * mention does, checked by the official SDK's event dispatcher (end to end: the web chat's composer
 * makes the post).
 */
final class PostMentionTest {
  private final MutableClock clock = MutableClock.startingNow();
  private final SdkBot bot = SdkBot.webhook();
  private final TestSeed seed = new TestSeed();
  private final TestServer server;

  PostMentionTest() {
    bot.configure(seed);
    server = TestServer.start(seed, clock, Duration.ofMinutes(10));
  }

  @AfterEach
  void stop() {
    server.close();
    bot.close();
  }

  @Test
  void groupPost_mentioningTheBot_reachesItWithTheMentionInPlace() throws Exception {
    String botOpenId =
        server.server().directory().app(seed.appId).map(App::botOpenId).orElseThrow();

    // Two paragraphs: the composer sends a post whose second paragraph mentions the bot with an at
    // element.
    String messageId =
        new Page(server.baseUrl(), seed.alice)
            .say(seed.chatId, "第一段\n\n<at user_id=\"" + botOpenId + "\">Answer Bot</at> 请总结");

    Await.until("the event is handled", () -> bot.events.size() == 1);
    EventMessage message = bot.events.get(0).getEvent().getMessage();
    assertThat(message.getMessageId()).isEqualTo(messageId);
    assertThat(message.getMessageType()).isEqualTo("post");
    assertThat(message.getChatType()).isEqualTo("group");
    JsonNode post = Json.parseOrNull(message.getContent());
    JsonNode mention = post.get("content").get(2).get(0);
    assertThat(mention.get("tag").asText()).isEqualTo("at");
    assertThat(mention.get("user_id").asText()).isEqualTo("@_user_1");
    assertThat(message.getMentions())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.getKey()).isEqualTo("@_user_1");
              assertThat(m.getId().getOpenId()).isEqualTo(botOpenId);
              assertThat(m.getName()).isEqualTo("Answer Bot");
            });
  }

  @Test
  void groupPost_withoutMention_reachesNoBotThatHearsOnlyMentions() throws Exception {
    Page alice = new Page(server.baseUrl(), seed.alice);
    alice.say(seed.chatId, "第一段\n\n第二段，没有提到谁");
    String p2p =
        alice.say(
            io.opencardkit.server.directory.Directory.p2pChatId(seed.appId, seed.alice), "私聊");

    // Events are delivered in commit order: once the later p2p event arrived, the group post had
    // its turn.
    Await.until("the p2p event is handled", () -> bot.events.size() == 1);
    assertThat(bot.events.get(0).getEvent().getMessage().getMessageId()).isEqualTo(p2p);
  }
}
