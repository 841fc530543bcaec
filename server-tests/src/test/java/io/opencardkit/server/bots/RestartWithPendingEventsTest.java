package io.opencardkit.server.bots;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.testkit.Await;
import io.opencardkit.server.testkit.MutableClock;
import io.opencardkit.server.testkit.SdkBot;
import io.opencardkit.server.testkit.TestSeed;
import io.opencardkit.server.testkit.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, finding 6: an event waiting for its retry survives a restart of the server on the same
 * data and is delivered at its time (Feishu's 15 s, 5 min, … on the injected clock), with the same
 * {@code event_id}.
 */
final class RestartWithPendingEventsTest {
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

  private void awaitClaimRounds(int rounds) {
    long target = server.server().bots().claimRounds() + rounds;
    Await.until("claim rounds", () -> server.server().bots().claimRounds() >= target);
  }

  @Test
  void pendingRetries_survivesARestart_andAreDeliveredOnTime() throws Exception {
    bot.configure(seed);
    bot.failFirstAttempts = 2;
    server = TestServer.start(seed, clock, Duration.ofMinutes(10));
    new Page(server.baseUrl(), seed.alice)
        .say(Directory.p2pChatId(seed.appId, seed.alice), "still there after a restart?");
    Await.until(
        "the first attempt failed and waits", () -> server.server().bots().pendingRetries() == 1);

    server.restart();
    clock.advance(Duration.ofSeconds(15).minusMillis(1));
    awaitClaimRounds(2);
    assertThat(bot.attempts).hasSize(1); // not before its time
    clock.advance(Duration.ofMillis(1));
    Await.until(
        "the first retry failed too and waits",
        () -> bot.attempts.size() == 2 && server.server().bots().pendingRetries() == 1);

    server.restart();
    clock.advance(Duration.ofMinutes(5).minusMillis(1));
    awaitClaimRounds(2);
    assertThat(bot.attempts).hasSize(2);
    clock.advance(Duration.ofMillis(1));
    Await.until("the second retry is delivered", () -> bot.events.size() == 1);

    assertThat(bot.attempts)
        .hasSize(3)
        .containsOnly(bot.attempts.get(0)); // one event_id throughout
    awaitClaimRounds(2);
    assertThat(server.server().bots().pendingRetries()).isZero();
  }

  @Test
  void eventBeingDeliveredWhenTheServerStopped_isDeliveredAfterTheRestart() throws Exception {
    java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
    bot.configure(seed);
    bot.holdFirstAttempts = hold;
    server = TestServer.start(seed, clock, Duration.ofMinutes(10));
    try {
      new Page(server.baseUrl(), seed.alice)
          .say(Directory.p2pChatId(seed.appId, seed.alice), "in flight");
      Await.until("the attempt reached the bot", () -> bot.attempts.size() == 1);

      server.restart(); // the clock does not move: the new run takes the event over at once

      Await.until("the event is delivered after the restart", () -> bot.events.size() == 1);
      assertThat(bot.attempts).hasSize(2).containsOnly(bot.attempts.get(0));
    } finally {
      hold.countDown();
    }
  }
}
