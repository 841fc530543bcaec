package io.opencardkit.client;

import static io.opencardkit.client.Harness.done;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.client.FaultyTransport.Exchange;
import io.opencardkit.client.FaultyTransport.Fault;
import io.opencardkit.client.FaultyTransport.Op;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Injected failures at every kind of call: whatever fails, the answer arrives whole and in order,
 * in one card shown once, closed with its summary, and the server never refuses a sequence (no
 * 300317, no 200770).
 */
final class FaultInjectionTest {
  private static final String FEEDBACK =
      "{\"tag\":\"button\",\"element_id\":\"fb_yes\",\"text\":{\"tag\":\"plain_text\",\"content\":\"有帮助\"},"
          + "\"behaviors\":[{\"type\":\"callback\",\"value\":{\"vote\":\"yes\"}}]}";

  static Stream<Arguments> faultAtEachCall() {
    List<Arguments> cases = new ArrayList<>();
    for (Op op : List.of(Op.CREATE, Op.SEND, Op.CONTENT, Op.SETTINGS, Op.BATCH)) {
      for (Fault fault : Fault.values()) {
        if (fault != Fault.SEQUENCE_REFUSED_300317
            && fault != Fault.CARD_TOO_LARGE_200860
            && fault != Fault.STREAMING_TIMEOUT_200850) {
          cases.add(Arguments.of(op, fault));
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{1} at {0}")
  @MethodSource("faultAtEachCall")
  void faultAtOneCall_andAtItsFirstRetry_answerArrivesWhole(Op op, Fault fault) throws Exception {
    try (Harness h = new Harness()) {
      // The third content call (mid-stream), or the first call of the other kinds, fails twice in a
      // row.
      h.transport.at(op, op == Op.CONTENT ? 3 : 1, fault, fault);
      // Finishing without elements closes streaming with a settings call; with elements, with a
      // batch update.
      boolean withElements = op != Op.SETTINGS;
      String answer = Texts.answer(30);

      List<CardRef> cards = stream(h, answer, withElements);

      assertThat(cards).hasSize(1);
      assertAnswered(h, cards, answer);
      if (withElements) {
        assertThat(Harness.findElement(h.shownCard(cards.get(0).messageId()), "fb_yes"))
            .isNotNull();
      }
      // the fault really happened
      assertThat(h.transport.exchanges())
          .filteredOn(e -> e.fault() == fault && e.op() == op)
          .hasSize(2);
    }
  }

  @Test
  void answerLost_andTheRetryRefusedWith300317_isTakenAsApplied() throws Exception {
    // A server without uuid replay refuses the retry of an applied call with 300317: the stream
    // takes it as
    // success rather than looping on the refusal.
    try (Harness h = new Harness()) {
      h.transport.at(Op.CONTENT, 3, Fault.LOSE_ANSWER, Fault.SEQUENCE_REFUSED_300317);
      String answer = Texts.answer(20);

      List<CardRef> cards = stream(h, answer, true);

      assertAnswered(h, cards, answer);
      Exchange refused =
          h.transport.exchanges().stream()
              .filter(e -> e.fault() == Fault.SEQUENCE_REFUSED_300317)
              .findFirst()
              .orElseThrow();
      // the call after it used the next sequence, and the server accepted it
      Exchange next =
          h.transport.exchanges().stream()
              .filter(
                  e ->
                      refused.cardId().equals(e.cardId())
                          && e.sequence() != null
                          && e.sequence() == refused.sequence() + 1)
              .findFirst()
              .orElseThrow();
      assertThat(next.code()).isZero();
    }
  }

  @Test
  void answerLost_andTheRetryRefusedForAnotherReason_theSequenceItMayHaveUsedIsSkipped()
      throws Exception {
    // The lost attempt was applied; the retry hears 200850 (a server checking the window before the
    // uuid). The
    // re-open that follows must not reuse that sequence, which the server has seen: it takes the
    // next one.
    try (Harness h = new Harness()) {
      h.transport.at(Op.CONTENT, 3, Fault.LOSE_ANSWER, Fault.STREAMING_TIMEOUT_200850);
      String answer = Texts.answer(20);

      List<CardRef> cards = stream(h, answer, true);

      assertAnswered(h, cards, answer);
      Exchange lost =
          h.transport.exchanges().stream()
              .filter(e -> e.fault() == Fault.LOSE_ANSWER)
              .findFirst()
              .orElseThrow();
      Exchange reopen =
          h.transport.exchanges().stream()
              .filter(e -> e.op() == Op.SETTINGS && lost.cardId().equals(e.cardId()))
              .findFirst()
              .orElseThrow();
      assertThat(reopen.sequence()).isEqualTo(lost.sequence() + 1);
      assertThat(reopen.code()).isZero();
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void randomFaultsAtEveryKindOfCall_answerArrivesWhole(long seed) throws Exception {
    try (Harness h = new Harness()) {
      h.transport.randomly(
          seed,
          0.3,
          Fault.LOSE_ANSWER,
          Fault.TIMEOUT,
          Fault.UNAVAILABLE_300000,
          Fault.PROXY_500_HTML,
          Fault.GATEWAY_TIMEOUT_504,
          Fault.RATE_LIMITED_429,
          Fault.APPLIED_THEN_502);
      String answer = Texts.answer(80);

      List<CardRef> cards = stream(h, answer, true);

      assertThat(cards).hasSize(1);
      assertAnswered(h, cards, answer);
      assertThat(h.transport.exchanges()).filteredOn(e -> e.fault() != null).hasSizeGreaterThan(10);
    }
  }

  /**
   * Streams {@code answer} token by token (10 ms apart) to the seeded chat and finishes; returns
   * the cards.
   */
  private static List<CardRef> stream(Harness h, String answer, boolean withElements)
      throws Exception {
    CardStream stream = h.streams().open(Target.chat(h.server.seed.chatId));
    h.appendOverTime(stream, Texts.tokens(answer, 7), Duration.ofMillis(10));
    CompletableFuture<List<CardRef>> finished =
        withElements ? stream.finish("summary", List.of(FEEDBACK)) : stream.finish("summary");
    h.scheduler.runUntilIdle();
    return done(finished);
  }

  private static void assertAnswered(Harness h, List<CardRef> cards, String answer)
      throws Exception {
    Harness.assertSameText(h.shownText(cards), answer);
    CardRef last = cards.get(cards.size() - 1);
    assertThat(h.summary(last.messageId())).isEqualTo("summary");
    assertThat(h.streaming(last.messageId())).isFalse();
    // shown once, however often the send was retried
    assertThat(h.cardMessagesIn(h.server.seed.chatId)).isEqualTo(cards.size());
    assertThat(h.transport.serverAnswers(300317)).as("300317 answers").isZero();
    assertThat(h.transport.serverAnswers(200770)).as("200770 answers").isZero();
    h.transport.assertSequencesNeverReused();
  }
}
