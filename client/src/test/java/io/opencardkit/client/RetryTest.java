package io.opencardkit.client;

import static io.opencardkit.client.Harness.done;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.opencardkit.client.FaultyTransport.Exchange;
import io.opencardkit.client.FaultyTransport.Fault;
import io.opencardkit.client.FaultyTransport.Op;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * How long and how often the stream retries, and the refusals it recovers from without retrying.
 */
final class RetryTest {
  @Test
  void serverUnavailableLongerThanTheBudget_failsTheStreamNamingTheCall() throws Exception {
    try (Harness h = new Harness()) {
      h.transport.at(
          Op.CONTENT, 1, Collections.nCopies(1000, Fault.UNAVAILABLE_300000).toArray(new Fault[0]));
      CardStreams streams =
          h.streams(
              b -> b.retry(Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofMinutes(2)));
      CardStream stream = streams.open(Target.chat(h.server.seed.chatId));
      h.scheduler.runUntilIdle(); // the card is shown, empty
      stream.append("never shown");
      long start = h.clock.millis();
      h.scheduler.runUntilIdle();

      ExecutionException e =
          assertThrows(ExecutionException.class, () -> done(stream.completion()));
      CardStreamException failure = (CardStreamException) e.getCause();
      assertThat(failure.operation()).isEqualTo("content");
      assertThat(failure.code()).isEqualTo(300000);
      assertThat(failure.httpStatus()).isEqualTo(503);
      assertThat(failure.sequence()).isEqualTo(1);
      assertThat(failure.cardId()).isEqualTo(done(stream.opened()).cardId());
      // backoff 0.2, 0.4, … 5 s: about 2 minutes of attempts, then it stops
      long attempts = h.transport.exchanges().stream().filter(x -> x.op() == Op.CONTENT).count();
      assertThat(attempts).isBetween(20L, 40L);
      assertThat(h.clock.millis() - start).isBetween(120_000L, 130_000L);

      // a failed stream makes no more calls, and appending to it is harmless
      int calls = h.transport.exchanges().size();
      stream.append(" more");
      h.scheduler.runUntilIdle();
      assertThat(h.transport.exchanges()).hasSize(calls);
      assertThat(stream.text()).isEqualTo("never shown more");
    }
  }

  @Test
  void retriesBackOff_andARateLimitWaitsForTheGatewaysReset() throws Exception {
    try (Harness h = new Harness()) {
      h.transport.at(
          Op.CONTENT, 1, Fault.TIMEOUT, Fault.TIMEOUT, Fault.TIMEOUT, Fault.RATE_LIMITED_429);
      CardStream stream = h.streams().open(Target.chat(h.server.seed.chatId));
      h.scheduler.runUntilIdle();
      stream.append("patience");
      CompletableFuture<List<CardRef>> finished = stream.finish("ok");
      h.scheduler.runUntilIdle();
      done(finished);

      List<Exchange> content =
          h.transport.exchanges().stream().filter(x -> x.op() == Op.CONTENT).toList();
      assertThat(content).hasSize(5);
      // backoff doubles: 200 ms, 400 ms, 800 ms, 1600 ms (the rate limit's one-second reset is the
      // shorter wait)
      assertThat(content.get(1).at() - content.get(0).at()).isEqualTo(200);
      assertThat(content.get(2).at() - content.get(1).at()).isEqualTo(400);
      assertThat(content.get(3).at() - content.get(2).at()).isEqualTo(800);
      assertThat(content.get(4).at() - content.get(3).at()).isEqualTo(1600);
      // every attempt was the same request
      assertThat(content.stream().map(x -> x.uuid() + x.body()).distinct()).hasSize(1);
    }
  }

  @Test
  void rateLimitResetLongerThanTheBackoff_isHonoured() throws Exception {
    try (Harness h = new Harness()) {
      h.transport.at(Op.SETTINGS, 1, Fault.RATE_LIMITED_429);
      CardStream stream = h.streams().open(Target.chat(h.server.seed.chatId));
      stream.append("limited");
      CompletableFuture<List<CardRef>> finished = stream.finish("ok");
      h.scheduler.runUntilIdle();
      done(finished);

      List<Exchange> settings =
          h.transport.exchanges().stream().filter(x -> x.op() == Op.SETTINGS).toList();
      assertThat(settings.get(1).at() - settings.get(0).at())
          .isEqualTo(1000); // the reset header, not 200 ms
    }
  }

  @Test
  void cardRefusedAsTooLarge_continuesInAFollowUpCard() throws Exception {
    // A server that measures cards larger than the client's estimate refuses a content call with
    // 200860: the card
    // keeps what it shows, and the text goes on in a follow-up card.
    try (Harness h = new Harness()) {
      h.transport.at(Op.CONTENT, 3, Fault.CARD_TOO_LARGE_200860);
      String answer = Texts.answer(10);
      CardStream stream = h.streams().open(Target.chat(h.server.seed.chatId));
      h.appendOverTime(stream, Texts.tokens(answer, 5), Duration.ofMillis(50));
      CompletableFuture<List<CardRef>> finished = stream.finish("split");
      h.scheduler.runUntilIdle();

      List<CardRef> cards = done(finished);
      assertThat(cards).hasSize(2);
      Harness.assertSameText(h.shownText(cards), answer);
      assertThat(h.summary(cards.get(0).messageId())).isEqualTo("(continued)");
      h.transport.assertSequencesNeverReused();
    }
  }
}
