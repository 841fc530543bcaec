package io.opencardkit.server.bots;

import static org.assertj.core.api.Assertions.assertThat;

import com.lark.oapi.service.im.v1.model.EventMessage;
import com.lark.oapi.service.im.v1.model.P2MessageReceiveV1;
import io.opencardkit.server.directory.App;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.testkit.Await;
import io.opencardkit.server.testkit.ExpectedLog;
import io.opencardkit.server.testkit.MutableClock;
import io.opencardkit.server.testkit.SdkBot;
import io.opencardkit.server.testkit.TestSeed;
import io.opencardkit.server.testkit.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Users' messages reach the bot's {@code event_url} as {@code im.message.receive_v1}, checked by
 * the official SDK.
 */
final class WebhookEventsTest {
  private final MutableClock clock = MutableClock.startingNow();
  private final SdkBot bot = SdkBot.webhook();
  private final TestSeed seed = new TestSeed();
  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    bot.close();
  }

  private TestServer start() {
    server = TestServer.start(seed, clock, Duration.ofMinutes(10));
    return server;
  }

  @Test
  void p2pText_reachesBotThroughEventDispatcher_afterUrlVerification() throws Exception {
    bot.configure(seed);
    start();
    String p2p = Directory.p2pChatId(seed.appId, seed.alice);

    String messageId = new Page(server.baseUrl(), seed.alice).say(p2p, "hello bot");

    Await.until("the event is handled", () -> bot.events.size() == 1);
    P2MessageReceiveV1 event = bot.events.get(0);
    assertThat(event.getHeader().getEventType()).isEqualTo("im.message.receive_v1");
    assertThat(event.getHeader().getAppId()).isEqualTo(seed.appId);
    assertThat(event.getEvent().getSender().getSenderId().getOpenId()).isEqualTo(seed.alice);
    EventMessage message = event.getEvent().getMessage();
    assertThat(message.getMessageId()).isEqualTo(messageId);
    assertThat(message.getChatId()).isEqualTo(p2p);
    assertThat(message.getChatType()).isEqualTo("p2p");
    assertThat(message.getMessageType()).isEqualTo("text");
    assertThat(message.getContent()).isEqualTo("{\"text\":\"hello bot\"}");
    // The URL was verified before the first event; both requests were encrypted, the event signed
    // (the SDK checked).
    // The bot records a request after its handler ran, so wait for the record too (regression: a
    // race in this test).
    Await.until("the delivery is recorded", () -> bot.typesAt("/events").size() == 2);
    assertThat(bot.typesAt("/events")).containsExactly("url_verification", "im.message.receive_v1");
    SdkBot.Delivery delivery = bot.deliveries.get(1);
    assertThat(delivery.body()).startsWith("{\"encrypt\":");
    assertThat(delivery.headers())
        .containsKeys("x-lark-signature", "x-lark-request-timestamp", "x-lark-request-nonce");
    assertThat(delivery.answeredStatus()).isEqualTo(200);
  }

  @Test
  void failedDelivery_isRetriedAfterBackoffWithTheSameEventId() throws Exception {
    bot.configure(seed);
    bot.failFirstAttempts = 1;
    start();

    new Page(server.baseUrl(), seed.alice)
        .say(Directory.p2pChatId(seed.appId, seed.alice), "are you there?");

    Await.until(
        "the first attempt is answered 500 and queued for a retry",
        () -> server.server().bots().pendingRetries() == 1);
    assertThat(bot.events).isEmpty();
    assertThat(bot.deliveries).extracting(SdkBot.Delivery::answeredStatus).endsWith(500);
    // Feishu's first retry comes 15 s later, on the server's clock.
    clock.advance(Duration.ofSeconds(15));
    Await.until("the retry is handled", () -> bot.events.size() == 1);
    assertThat(bot.attempts).hasSize(2);
    assertThat(bot.attempts.get(1))
        .isEqualTo(bot.attempts.get(0)); // the bot can drop duplicates by event_id
    assertThat(server.server().bots().pendingRetries()).isZero();
  }

  @Test
  void groupMessage_mentioningTheBot_reachesItWithItsMentions() throws Exception {
    bot.configure(seed);
    start();
    String botOpenId =
        server.server().directory().app(seed.appId).map(App::botOpenId).orElseThrow();

    new Page(server.baseUrl(), seed.alice)
        .say(seed.chatId, "<at user_id=\"" + botOpenId + "\">Answer Bot</at> summarise please");

    Await.until("the event is handled", () -> bot.events.size() == 1);
    EventMessage message = bot.events.get(0).getEvent().getMessage();
    assertThat(message.getChatType()).isEqualTo("group");
    assertThat(message.getContent()).isEqualTo("{\"text\":\"@_user_1 summarise please\"}");
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
  void groupMessage_withoutMention_reachesOnlyABotThatReceivesAll() throws Exception {
    bot.configure(seed);
    start();
    Page alice = new Page(server.baseUrl(), seed.alice);

    String unmentioned = alice.say(seed.chatId, "just chatting");
    String p2p = alice.say(Directory.p2pChatId(seed.appId, seed.alice), "and now to you");

    // Events are queued in commit order on one context: once the later p2p event arrived, the group
    // message had its
    // turn and produced nothing.
    Await.until("the p2p event is handled", () -> bot.events.size() == 1);
    assertThat(bot.events)
        .extracting(e -> e.getEvent().getMessage().getMessageId())
        .containsExactly(p2p)
        .doesNotContain(unmentioned);
  }

  @Test
  void groupMessage_withoutMention_reachesABotConfiguredToReceiveAll() throws Exception {
    bot.configure(seed);
    seed.appField("receive_all_group_messages", "true");
    start();

    String messageId = new Page(server.baseUrl(), seed.alice).say(seed.chatId, "anyone?");

    Await.until("the event is handled", () -> bot.events.size() == 1);
    assertThat(bot.events.get(0).getEvent().getMessage().getMessageId()).isEqualTo(messageId);
    assertThat(bot.events.get(0).getEvent().getMessage().getMentions()).isNullOrEmpty();
  }

  @Test
  @ExpectedLog(
      level = ExpectedLog.Level.ERROR,
      logger = "com.lark.oapi.event.EventDispatcher",
      message = "auth by challenge failed")
  void urlFailingVerification_getsNoEvent() throws Exception {
    bot.configure(seed);
    seed.appField("verification_token", "not-the-bots-token"); // the SDK refuses the challenge
    start();

    new Page(server.baseUrl(), seed.alice)
        .say(Directory.p2pChatId(seed.appId, seed.alice), "hello?");

    Await.until("the event waits for a retry", () -> server.server().bots().pendingRetries() == 1);
    assertThat(bot.typesAt("/events")).containsExactly("url_verification");
    assertThat(bot.deliveries.get(0).answeredStatus()).isEqualTo(500);
    assertThat(bot.events).isEmpty();
  }
}
