package io.opencardkit.client;

import static io.opencardkit.client.Harness.done;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.client.FaultyTransport.Op;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Answers that outgrow one card, in time (the streaming window) or in size (30 KB): the text
 * continues in follow-up cards in the same chat, nothing is lost, and each closed card previews
 * "(continued)".
 */
final class LongAnswerTest {
  @Test
  void answerPastTheWindowMargin_continuesInAFollowUpCard() throws Exception {
    try (Harness h = new Harness(Duration.ofSeconds(60))) {
      CardStreams streams = h.streams(b -> b.windowMargin(Duration.ofSeconds(50)));
      String first = Texts.answer(10);
      String second = "## Part two\n\nwritten after the margin\n";
      CardStream stream = streams.open(Target.chat(h.server.seed.chatId));
      h.appendOverTime(stream, Texts.tokens(first, 1), Duration.ofMillis(20));
      h.scheduler.runFor(
          Duration.ofSeconds(52)); // the model thinks; the card passes its 50 s margin
      h.appendOverTime(stream, Texts.tokens(second, 2), Duration.ofMillis(20));
      CompletableFuture<List<CardRef>> finished = stream.finish("two parts");
      h.scheduler.runUntilIdle();

      List<CardRef> cards = done(finished);
      assertThat(cards).hasSize(2);
      Harness.assertSameText(h.shownText(cards.get(0)), first);
      Harness.assertSameText(h.shownText(cards.get(1)), second);
      assertThat(h.summary(cards.get(0).messageId())).isEqualTo("(continued)");
      assertThat(h.streaming(cards.get(0).messageId())).isFalse();
      assertThat(h.summary(cards.get(1).messageId())).isEqualTo("two parts");
      assertThat(h.streaming(cards.get(1).messageId())).isFalse();
      assertThat(h.chatOf(cards.get(1).messageId())).isEqualTo(h.server.seed.chatId);
      // the window never closed under the stream: no timeout answers at all
      assertThat(h.transport.serverAnswers(200850) + h.transport.serverAnswers(300309)).isZero();
      h.transport.assertSequencesNeverReused();
    }
  }

  @Test
  void twelveMinuteAnswer_withDefaults_continuesBeforeFeishusTenMinuteWindow() throws Exception {
    try (Harness h = new Harness()) {
      CardStreams streams = h.streams();
      CardStream stream = streams.open(Target.chat(h.server.seed.chatId));
      StringBuilder all = new StringBuilder();
      for (int second = 0; second < 12 * 60; second++) {
        String token = "s" + second + (second % 20 == 19 ? "\n" : " ");
        all.append(token);
        stream.append(token);
        h.scheduler.runFor(Duration.ofSeconds(1));
      }
      CompletableFuture<List<CardRef>> finished = stream.finish("long");
      h.scheduler.runUntilIdle();

      List<CardRef> cards = done(finished);
      // the first card stops taking text at 9 minutes, the follow-up takes the last three
      assertThat(cards).hasSize(2);
      Harness.assertSameText(h.shownText(cards), all.toString());
      // at the margin the card showed a whole line ("s539\n"), so it ends there
      assertThat(h.shownText(cards.get(0)).endsWith("s539\n")).isTrue();
      assertThat(h.summary(cards.get(0).messageId())).isEqualTo("(continued)");
      assertThat(h.summary(cards.get(1).messageId())).isEqualTo("long");
      assertThat(h.transport.serverAnswers(200850) + h.transport.serverAnswers(300309)).isZero();
    }
  }

  @Test
  void windowClosedEarlierThanExpected_streamingIsReopenedOnceOnTheSameCard() throws Exception {
    // The server's window (30 s) is shorter than the client believes (10 minutes), as with a skewed
    // clock.
    try (Harness h = new Harness(Duration.ofSeconds(30))) {
      CardStreams streams = h.streams();
      String first = "First part.\n";
      String second = "Second part, after the server closed streaming.\n";
      CardStream stream = streams.open(Target.chat(h.server.seed.chatId));
      stream.append(first);
      h.scheduler.runFor(Duration.ofSeconds(31));
      stream.append(second);
      CompletableFuture<List<CardRef>> finished = stream.finish("reopened");
      h.scheduler.runUntilIdle();

      List<CardRef> cards = done(finished);
      assertThat(cards).hasSize(1);
      Harness.assertSameText(h.shownText(cards), first + second);
      assertThat(h.summary(cards.get(0).messageId())).isEqualTo("reopened");
      // one timeout answer, then the re-open; never a storm of 300309
      assertThat(h.transport.serverAnswers(200850) + h.transport.serverAnswers(300309))
          .isEqualTo(1);
      assertThat(h.transport.serverAnswers(300317)).isZero();
    }
  }

  @Test
  void windowClosedAgainAfterTheReopen_continuesInAFollowUpCard() throws Exception {
    try (Harness h = new Harness(Duration.ofSeconds(30))) {
      CardStreams streams = h.streams();
      CardStream stream = streams.open(Target.chat(h.server.seed.chatId));
      stream.append("one\n");
      h.scheduler.runFor(Duration.ofSeconds(31));
      stream.append("two\n"); // 200850, re-open, written
      h.scheduler.runFor(Duration.ofSeconds(31));
      stream.append("three\n"); // the window closed again: a follow-up card
      CompletableFuture<List<CardRef>> finished = stream.finish("three parts");
      h.scheduler.runUntilIdle();

      List<CardRef> cards = done(finished);
      assertThat(cards).hasSize(2);
      Harness.assertSameText(h.shownText(cards.get(0)), "one\ntwo\n");
      Harness.assertSameText(h.shownText(cards.get(1)), "three\n");
      assertThat(h.summary(cards.get(0).messageId())).isEqualTo("(continued)");
      assertThat(h.summary(cards.get(1).messageId())).isEqualTo("three parts");
      assertThat(h.transport.serverAnswers(200850) + h.transport.serverAnswers(300309))
          .isEqualTo(2);
      h.transport.assertSequencesNeverReused();
    }
  }

  @Test
  void answerLargerThanACard_isSplitAtLineEndsAcrossCards() throws Exception {
    try (Harness h = new Harness()) {
      CardStreams streams = h.streams();
      String answer =
          Texts.answer(1200); // about 90 KB of card JSON: CJK, emoji, quotes and escapes
      CardStream stream = streams.open(Target.reply(firstCardOf(h, streams)));
      h.appendOverTime(stream, Texts.tokens(answer, 3), Duration.ofMillis(2));
      CompletableFuture<List<CardRef>> finished =
          stream.finish("big", List.of("{\"tag\":\"hr\",\"element_id\":\"rule\"}"));
      h.scheduler.runUntilIdle();

      List<CardRef> cards = done(finished);
      assertThat(cards.size()).isGreaterThanOrEqualTo(3);
      Harness.assertSameText(h.shownText(cards), answer);
      for (int i = 0; i < cards.size(); i++) {
        CardRef card = cards.get(i);
        int bytes =
            h.shownCard(card.messageId()).toString().getBytes(StandardCharsets.UTF_8).length;
        assertThat(bytes).as("card %d size", i).isLessThanOrEqualTo(30 * 1024);
        assertThat(h.streaming(card.messageId())).isFalse();
        if (i < cards.size() - 1) {
          assertThat(h.shownText(card).endsWith("\n")).as("card %d ends at a line end", i).isTrue();
          assertThat(h.summary(card.messageId())).isEqualTo("(continued)");
        }
      }
      assertThat(h.summary(cards.get(cards.size() - 1).messageId())).isEqualTo("big");
      assertThat(Harness.findElement(h.shownCard(cards.get(cards.size() - 1).messageId()), "rule"))
          .isNotNull();
      assertThat(h.transport.serverAnswers(200860))
          .as("card too large: %s", h.transport.refusals())
          .isZero();
      h.transport.assertSequencesNeverReused();
    }
  }

  @Test
  void oneHugeAppend_isSpreadOverAsManyCardsAsItNeeds() throws Exception {
    try (Harness h = new Harness()) {
      CardStreams streams = h.streams(b -> b.maxCardBytes(4096));
      String answer = Texts.answer(300);
      CardStream stream = streams.open(Target.chat(h.server.seed.chatId));
      stream.append(answer);
      CompletableFuture<List<CardRef>> finished = stream.finish("huge");
      h.scheduler.runUntilIdle();

      List<CardRef> cards = done(finished);
      assertThat(cards.size()).isGreaterThanOrEqualTo(5);
      Harness.assertSameText(h.shownText(cards), answer);
      for (CardRef card : cards) {
        assertThat(h.shownCard(card.messageId()).toString().getBytes(StandardCharsets.UTF_8).length)
            .isLessThanOrEqualTo(4096);
      }
      // a card that opens with the whole remaining text needs no content call until the last one
      assertThat(h.transport.forwarded(Op.CONTENT)).isLessThanOrEqualTo(1);
    }
  }

  /** A card message to reply to (replies keep a long answer together under one question). */
  private static String firstCardOf(Harness h, CardStreams streams) throws Exception {
    CardStream question = streams.open(Target.chat(h.server.seed.chatId));
    question.append("Tell me everything.");
    CompletableFuture<List<CardRef>> done = question.finish();
    h.scheduler.runUntilIdle();
    return done(done).get(0).messageId();
  }
}
