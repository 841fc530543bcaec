package io.opencardkit.bench.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BroadcastScheduleTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void travelsToTheBroadcasterAsOneCommandLine() {
    BroadcastSchedule s =
        new BroadcastSchedule(3, 10, 10.0, 32, 38, 123_456_789_000L, 123_476_789_000L);

    BroadcastSchedule back = BroadcastSchedule.parse(s.command());

    assertThat(back.step).isEqualTo(3);
    assertThat(back.channels).isEqualTo(10);
    assertThat(back.rate).isEqualTo(10.0);
    assertThat(back.chunkChars).isEqualTo(32);
    assertThat(back.appendsPerCard).isEqualTo(38);
    assertThat(back.startNanos).isEqualTo(123_456_789_000L);
    assertThat(back.stopNanos).isEqualTo(123_476_789_000L);
    assertThatThrownBy(() -> BroadcastSchedule.parse("sockets"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void channelsAreStaggeredAndKeepTheirRate() {
    BroadcastSchedule s = new BroadcastSchedule(1, 4, 10, 32, 38, 0, 10 * SECOND);

    assertThat(s.due(0, 0)).isZero();
    assertThat(s.due(1, 0)).isEqualTo(25_000_000L); // a quarter of the 100 ms interval
    assertThat(s.due(3, 2)).isEqualTo(75_000_000L + 200_000_000L);
  }

  @Test
  void everyFrameDueBeforeTheStopIsScheduledOnceWithItsCardAndVersion() {
    BroadcastSchedule s =
        new BroadcastSchedule(2, 3, 10, 32, 4, 0, SECOND); // 10 frames per channel, cards of 4
    List<String> frames = new ArrayList<>();
    Set<String> cards = new HashSet<>();

    s.forEachScheduled(
        (cardId, version, due) -> {
          frames.add(cardId + "@" + version);
          cards.add(cardId);
          assertThat(due).isLessThan(SECOND);
        });

    assertThat(frames).hasSize(30).doesNotHaveDuplicates();
    assertThat(cards).hasSize(9); // 3 channels × cards 0, 1, 2 (4 + 4 + 2 frames)
    assertThat(s.version(0)).isEqualTo(1);
    assertThat(s.version(3)).isEqualTo(4);
    assertThat(s.version(4)).isEqualTo(1);
    assertThat(s.firstOfCard(4)).isTrue();
    assertThat(s.firstOfCard(5)).isFalse();
    assertThat(s.offset(5)).isEqualTo(32);
  }

  @Test
  void cardIdsHave19DigitsLikeTheServersAndNeverRepeatAcrossSteps() {
    String id = BroadcastSchedule.cardId(7, 12, 3);

    assertThat(id).hasSize(19).containsOnlyDigits();
    assertThat(BroadcastSchedule.cardId(8, 12, 3)).isNotEqualTo(id);
    assertThat(BroadcastSchedule.cardId(7, 13, 3)).isNotEqualTo(id);
    assertThat(BroadcastSchedule.cardId(7, 12, 4)).isNotEqualTo(id);
    assertThat(new BroadcastSchedule(7, 20, 10, 32, 38, 0, SECOND).cardId(12, 3 * 38 + 5))
        .isEqualTo(id);
  }

  @Test
  void flatOutHasNoSchedule() {
    BroadcastSchedule s = new BroadcastSchedule(1, 4, 0, 32, 38, 0, SECOND);
    List<String> frames = new ArrayList<>();

    s.forEachScheduled((cardId, version, due) -> frames.add(cardId));

    assertThat(s.flatOut()).isTrue();
    assertThat(frames).isEmpty();
  }

  @Test
  void theBroadcastersAnswerIsRead() {
    BareBroadcaster.Sent sent =
        BareBroadcaster.Sent.parse("okc-bare-sent events=12 frames=3000 skipped=7");

    assertThat(sent).isEqualTo(new BareBroadcaster.Sent(12, 3000, 7));
  }
}
