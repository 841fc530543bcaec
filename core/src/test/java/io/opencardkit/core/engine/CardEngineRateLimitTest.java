package io.opencardkit.core.engine;

import static io.opencardkit.core.engine.Cards.content;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.core.ErrorCode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

final class CardEngineRateLimitTest {
  private final Cards.TestClock clock = new Cards.TestClock();
  private final CardEngine engine = new CardEngine(clock, CardLimits.feishu());

  private static Mutation patch(int sequence) {
    return Cards.of(
        Mutation.Kind.PATCH_ELEMENT,
        sequence,
        "{\"element_id\":\"inner\",\"partial_element\":{\"content\":\"v" + sequence + "\"}}");
  }

  @Test
  void execute_eleventhOperationWithinASecond_isRefusedWith99991400() {
    CardState state = Cards.created(engine, Cards.staticCard());
    for (int i = 1; i <= 10; i++) {
      assertThat(engine.execute(state, patch(i)).accepted()).as("operation %d", i).isTrue();
    }
    Outcome eleventh = engine.execute(state, patch(11));
    assertThat(eleventh.refusal().code()).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(eleventh.refusal().code().httpStatus()).isEqualTo(429);
  }

  @Test
  void execute_afterTheSecondPasses_isAcceptedAgain() {
    CardState state = Cards.created(engine, Cards.staticCard());
    for (int i = 1; i <= 10; i++) {
      engine.execute(state, patch(i));
    }
    clock.advance(Duration.ofMillis(999));
    assertThat(engine.execute(state, patch(11)).accepted()).isFalse();
    clock.advance(Duration.ofMillis(1)); // the first operation is now a full second old
    assertThat(engine.execute(state, patch(12)).accepted()).isTrue();
  }

  @Test
  void execute_refusedCalls_doNotCountTowardsTheLimit() {
    CardState state = Cards.created(engine, Cards.staticCard());
    for (int i = 0; i < 20; i++) {
      engine.execute(state, patch(0)); // refused: sequence 0
    }
    assertThat(engine.execute(state, patch(1)).accepted()).isTrue();
  }

  @Test
  void execute_whileStreaming_hasNoPerCardLimit() {
    CardState state = Cards.created(engine, Cards.streamingCard());
    StringBuilder text = new StringBuilder();
    for (int i = 1; i <= 100; i++) {
      text.append('x');
      assertThat(engine.execute(state, content(i, text.toString())).accepted())
          .as("update %d", i)
          .isTrue();
    }
  }

  @Test
  void execute_afterStreamingWindowCloses_isLimitedAgain() {
    CardState state = Cards.created(engine, Cards.streamingCard());
    clock.advance(Duration.ofMinutes(10));
    for (int i = 1; i <= 10; i++) {
      assertThat(engine.execute(state, patch(i)).accepted()).isTrue();
    }
    assertThat(engine.execute(state, patch(11)).refusal().code()).isEqualTo(ErrorCode.RATE_LIMITED);
  }

  @Test
  void execute_afterOperationsAcceptedElsewhere_countsThemToo() {
    // Another node accepted ten operations; this node only applied their events (from the bus or
    // the database).
    String cardId = "7000000000000000001";
    java.util.List<CardEvent> log = new java.util.ArrayList<>();
    log.add(engine.create(cardId, Cards.APP, Cards.staticCard()));
    CardState scratch = new CardState(cardId);
    scratch.apply(log.get(0));
    for (int i = 1; i <= 10; i++) {
      log.addAll(engine.execute(scratch, patch(i)).events());
    }
    CardState here = new CardState(cardId);
    log.forEach(here::apply);

    assertThat(engine.execute(here, patch(11)).refusal().code()).isEqualTo(ErrorCode.RATE_LIMITED);
  }

  @Test
  void execute_callsMadeWhileStreaming_doNotCountAfterStreamingCloses() {
    // A bot streams 40 updates, closes streaming and at once deletes its "thinking" element, all in
    // one millisecond.
    CardState state = Cards.created(engine, Cards.streamingCard());
    StringBuilder text = new StringBuilder();
    for (int i = 1; i <= 40; i++) {
      text.append('x');
      assertThat(engine.execute(state, content(i, text.toString())).accepted())
          .as("update %d", i)
          .isTrue();
    }
    assertThat(
            engine
                .execute(state, Cards.settings(41, "{\"config\":{\"streaming_mode\":false}}"))
                .accepted())
        .isTrue();

    Outcome delete =
        engine.execute(
            state, Cards.of(Mutation.Kind.DELETE_ELEMENTS, 42, "{\"element_ids\":[\"btn\"]}"));

    assertThat(delete.refusal()).isNull();
    assertThat(delete.accepted()).isTrue();
  }

  @Test
  void execute_afterStreamingCloses_theLimitCountsOnlyCallsMadeOutsideStreaming() {
    CardState state = Cards.created(engine, Cards.streamingCard());
    for (int i = 1; i <= 20; i++) {
      engine.execute(state, content(i, "x".repeat(i)));
    }
    engine.execute(state, Cards.settings(21, "{\"config\":{\"streaming_mode\":false}}"));
    for (int i = 22; i <= 31; i++) {
      assertThat(engine.execute(state, patch(i)).accepted()).as("operation %d", i).isTrue();
    }
    assertThat(engine.execute(state, patch(32)).refusal().code()).isEqualTo(ErrorCode.RATE_LIMITED);
  }

  @Test
  void replay_ofStreamedCalls_rebuildsAWindowWithoutThem() {
    // Another node applies the same log from the store: its count must agree with the node that
    // accepted the calls.
    String cardId = "7000000000000000001";
    java.util.List<CardEvent> log = new java.util.ArrayList<>();
    log.add(engine.create(cardId, Cards.APP, Cards.streamingCard()));
    CardState scratch = new CardState(cardId);
    scratch.apply(log.get(0));
    for (int i = 1; i <= 40; i++) {
      log.addAll(engine.execute(scratch, content(i, "x".repeat(i))).events());
    }
    log.addAll(
        engine
            .execute(scratch, Cards.settings(41, "{\"config\":{\"streaming_mode\":false}}"))
            .events());
    CardState here = new CardState(cardId);
    log.forEach(here::apply);

    for (int i = 42; i <= 51; i++) {
      assertThat(engine.execute(here, patch(i)).accepted()).as("operation %d", i).isTrue();
    }
    assertThat(engine.execute(here, patch(52)).refusal().code()).isEqualTo(ErrorCode.RATE_LIMITED);
  }
}
