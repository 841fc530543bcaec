package io.opencardkit.core.engine;

import static io.opencardkit.core.engine.Cards.content;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.core.ErrorCode;
import org.junit.jupiter.api.Test;

final class CardEngineSequenceTest {
  private final Cards.TestClock clock = new Cards.TestClock();
  private final CardEngine engine = new CardEngine(clock, CardLimits.feishu());
  private final CardState state = Cards.created(engine, Cards.streamingCard());

  @Test
  void execute_increasingSequence_isAccepted() {
    assertThat(engine.execute(state, content(1, "a")).accepted()).isTrue();
    assertThat(engine.execute(state, content(5, "ab")).accepted())
        .isTrue(); // gaps are fine: only the order counts
    assertThat(state.lastSequence()).isEqualTo(5);
  }

  @Test
  void execute_zeroSequence_isRefusedWith300317() {
    Outcome outcome = engine.execute(state, content(0, "a"));
    assertThat(outcome.refusal().code()).isEqualTo(ErrorCode.SEQUENCE_NOT_INCREASING);
    assertThat(outcome.refusal().code().code()).isEqualTo(300317);
  }

  @Test
  void execute_equalOrSmallerSequence_isRefusedAndChangesNothing() {
    engine.execute(state, content(3, "abc"));
    long version = state.version();

    assertThat(engine.execute(state, content(3, "abcd")).refusal().code())
        .isEqualTo(ErrorCode.SEQUENCE_NOT_INCREASING);
    assertThat(engine.execute(state, content(2, "abcd")).refusal().code())
        .isEqualTo(ErrorCode.SEQUENCE_NOT_INCREASING);
    assertThat(Cards.text(state, "md")).isEqualTo("abc");
    assertThat(state.version()).isEqualTo(version);
  }

  @Test
  void execute_refusedCall_doesNotMoveTheHighWaterMark() {
    engine.execute(state, content(3, "abc"));
    // 4 is refused for another reason (unknown element); 4 must still be usable afterwards.
    assertThat(engine.execute(state, content(Cards.APP, 4, null, "nope", "x")).refusal().code())
        .isEqualTo(ErrorCode.UPDATE_ELEMENT_FAILED);
    assertThat(state.lastSequence()).isEqualTo(3);
    assertThat(engine.execute(state, content(4, "abcd")).accepted()).isTrue();
  }

  @Test
  void execute_negativeSequence_isRefusedWith300317() {
    assertThat(engine.execute(state, content(-7, "a")).refusal().code())
        .isEqualTo(ErrorCode.SEQUENCE_NOT_INCREASING);
  }

  @Test
  void execute_sameUuidSameRequest_replaysWithoutApplyingAgain() {
    Mutation first = content(Cards.APP, 1, "u-1", "md", "hello");
    engine.execute(state, first);
    engine.execute(state, content(2, "hello world"));
    long version = state.version();

    Outcome replay = engine.execute(state, first);

    assertThat(replay.accepted()).isTrue();
    assertThat(replay.replayed()).isTrue();
    assertThat(replay.events()).isEmpty();
    assertThat(Cards.text(state, "md")).isEqualTo("hello world"); // not set back to "hello"
    assertThat(state.version()).isEqualTo(version);
  }

  @Test
  void execute_sameUuidDifferentRequest_isRefusedWith200770() {
    engine.execute(state, content(Cards.APP, 1, "u-1", "md", "hello"));
    Outcome conflict = engine.execute(state, content(Cards.APP, 2, "u-1", "md", "other"));
    assertThat(conflict.refusal().code()).isEqualTo(ErrorCode.UUID_CONFLICT);
    assertThat(Cards.text(state, "md")).isEqualTo("hello");
  }

  @Test
  void execute_otherApp_isRefusedWith300311() {
    Outcome outcome = engine.execute(state, content(Cards.OTHER_APP, 1, null, "md", "x"));
    assertThat(outcome.refusal().code()).isEqualTo(ErrorCode.NOT_CARD_OWNER);
  }

  @Test
  void execute_after14Days_isRefusedWith200750() {
    clock.advance(java.time.Duration.ofDays(14));
    assertThat(engine.execute(state, content(1, "x")).refusal().code())
        .isEqualTo(ErrorCode.CARD_EXPIRED);
  }

  @Test
  void execute_justBefore14Days_isAccepted() {
    clock.advance(java.time.Duration.ofDays(14).minusMillis(1));
    engine.execute(state, Cards.settings(1, "{\"config\":{\"streaming_mode\":true}}"));
    assertThat(engine.execute(state, content(2, "x")).accepted()).isTrue();
  }
}
