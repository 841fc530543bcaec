package io.opencardkit.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.server.testkit.Await;
import io.opencardkit.server.testkit.MutableClock;
import io.opencardkit.server.testkit.PageSocket;
import io.opencardkit.server.testkit.RawWebSocket;
import io.opencardkit.server.testkit.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A viewer socket silent for a ping interval is pinged; one that answers (browsers answer pings by
 * themselves) stays, one that stays silent another interval is dropped. Time is the injected clock,
 * so the test decides when an interval has passed.
 */
final class ViewerLivenessTest {
  private static final Duration PING_INTERVAL = Duration.ofSeconds(30);

  private final MutableClock clock = MutableClock.startingNow();
  private final TestServer server =
      TestServer.start(
          clock,
          Duration.ofMinutes(10),
          c -> c.withServing(c.serving().withLiveness(PING_INTERVAL, Duration.ofSeconds(5))));

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void silentSocket_isDroppedAfterTwoIntervals_whileOneThatAnswersPingsStays() throws Exception {
    ViewerStats stats = server.server().web().stats();
    try (PageSocket answering =
            PageSocket.open(server.baseUrl(), "user=" + server.seed.bob, false);
        RawWebSocket silent =
            RawWebSocket.open(server.baseUrl(), "/web/ws?user=" + server.seed.alice, null)) {
      Await.until(Duration.ofSeconds(30), () -> stats.connections() == 2);

      clock.advance(PING_INTERVAL);
      Await.until(Duration.ofSeconds(30), () -> stats.pingsSent() == 2);
      Await.until(
          Duration.ofSeconds(30),
          () -> stats.pingsAnswered() == 1); // the JDK client answers pings itself
      clock.advance(PING_INTERVAL);

      Await.until(
          Duration.ofSeconds(30),
          () -> stats.unresponsiveClosed() == 1 && stats.connections() == 1);
      assertThat(silent.drainUntilClosed()).isTrue();
      answering.resume("{}"); // still open
    }
  }
}
