package io.opencardkit.core.engine;

import static io.opencardkit.core.engine.Cards.content;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.core.ErrorCode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

final class CardEngineStreamingTest {
  private final Cards.TestClock clock = new Cards.TestClock();
  private final CardEngine engine = new CardEngine(clock, CardLimits.feishu());
  private final CardState state = Cards.created(engine, Cards.streamingCard());

  @Test
  void content_extendingOldText_isRecordedAsAppendOfTheSuffix() {
    engine.execute(state, content(1, "Hello"));
    Outcome outcome = engine.execute(state, content(2, "Hello, world"));

    CardEvent event = outcome.events().get(0);
    assertThat(event.type()).isEqualTo(EventType.CONTENT_APPENDED);
    assertThat(event.payload().get("offset").asInt()).isEqualTo(5);
    assertThat(event.payload().get("text").asText())
        .isEqualTo(", world"); // storage grows with the increment only
    assertThat(Cards.text(state, "md")).isEqualTo("Hello, world");
  }

  @Test
  void content_notExtendingOldText_isRecordedAsReplace() {
    engine.execute(state, content(1, "Hello"));
    Outcome outcome = engine.execute(state, content(2, "Goodbye"));

    assertThat(outcome.events().get(0).type()).isEqualTo(EventType.CONTENT_REPLACED);
    assertThat(outcome.events().get(0).payload().get("text").asText()).isEqualTo("Goodbye");
    assertThat(Cards.text(state, "md")).isEqualTo("Goodbye");
  }

  @Test
  void content_onNonTextElement_isRefusedWith300310() {
    assertThat(engine.execute(state, content(Cards.APP, 1, null, "btn", "x")).refusal().code())
        .isEqualTo(ErrorCode.ONLY_TEXT);
  }

  @Test
  void content_onUnknownElement_isRefusedWith300313() {
    assertThat(engine.execute(state, content(Cards.APP, 1, null, "ghost", "x")).refusal().code())
        .isEqualTo(ErrorCode.UPDATE_ELEMENT_FAILED);
  }

  @Test
  void content_whileNotStreaming_isRefusedWith300309() {
    CardState still = Cards.created(engine, Cards.staticCard());
    assertThat(engine.execute(still, content(1, "x")).refusal().code())
        .isEqualTo(ErrorCode.STREAMING_CLOSED);
  }

  @Test
  void content_afterTheWindow_firstGets200850ThenLaterOnes300309() {
    engine.execute(state, content(1, "a"));
    clock.advance(Duration.ofMinutes(10));

    Outcome first = engine.execute(state, content(2, "ab"));
    Outcome second = engine.execute(state, content(3, "ab"));

    assertThat(first.refusal().code()).isEqualTo(ErrorCode.STREAMING_TIMEOUT);
    assertThat(first.events())
        .extracting(CardEvent::type)
        .containsExactly(EventType.STREAMING_TIMED_OUT);
    assertThat(second.refusal().code()).isEqualTo(ErrorCode.STREAMING_CLOSED);
    assertThat(Cards.text(state, "md")).isEqualTo("a");
    assertThat(state.streamingMode()).isFalse();
  }

  @Test
  void content_justBeforeTheWindowCloses_isAccepted() {
    clock.advance(Duration.ofMinutes(10).minusMillis(1));
    assertThat(engine.execute(state, content(1, "a")).accepted()).isTrue();
  }

  @Test
  void settings_reopeningAfterTimeout_startsAFreshWindow() {
    clock.advance(Duration.ofMinutes(11));
    assertThat(engine.execute(state, content(1, "a")).refusal().code())
        .isEqualTo(ErrorCode.STREAMING_TIMEOUT);

    assertThat(
            engine
                .execute(state, Cards.settings(2, "{\"config\":{\"streaming_mode\":true}}"))
                .accepted())
        .isTrue();
    clock.advance(Duration.ofMinutes(9));
    assertThat(engine.execute(state, content(3, "a")).accepted()).isTrue();
    clock.advance(Duration.ofMinutes(1));
    assertThat(engine.execute(state, content(4, "ab")).refusal().code())
        .isEqualTo(ErrorCode.STREAMING_TIMEOUT);
  }

  @Test
  void settings_unwrappedForm_closesStreaming() {
    assertThat(engine.execute(state, Cards.settings(1, "{\"streaming_mode\":false}")).accepted())
        .isTrue();
    assertThat(state.streamingMode()).isFalse();
    assertThat(engine.execute(state, content(2, "x")).refusal().code())
        .isEqualTo(ErrorCode.STREAMING_CLOSED);
  }

  @Test
  void expireStreaming_afterTheWindow_switchesOffWithoutACall() {
    clock.advance(Duration.ofMinutes(10));
    assertThat(engine.expireStreaming(state))
        .map(CardEvent::type)
        .contains(EventType.STREAMING_TIMED_OUT);
    assertThat(state.streamingMode()).isFalse();
    assertThat(engine.expireStreaming(state)).isEmpty();
  }

  @Test
  void streamingTimeout_isConfigurable() {
    CardEngine quick =
        new CardEngine(clock, CardLimits.feishu().withStreamingTimeout(Duration.ofSeconds(30)));
    CardState card = Cards.created(quick, Cards.streamingCard());
    clock.advance(Duration.ofSeconds(30));
    assertThat(quick.execute(card, content(1, "x")).refusal().code())
        .isEqualTo(ErrorCode.STREAMING_TIMEOUT);
  }

  @Test
  void content_growingThePastCardLimit_isRefusedWith200860() {
    String big = "x".repeat(30 * 1024);
    Outcome outcome = engine.execute(state, content(1, big));
    assertThat(outcome.refusal().code()).isEqualTo(ErrorCode.CARD_TOO_LARGE);
    assertThat(Cards.text(state, "md")).isEmpty();
  }

  @Test
  void content_overMaxCharacters_isRefusedWith10002() {
    CardEngine small =
        new CardEngine(clock, new CardLimits(Duration.ofMinutes(10), 10, Duration.ofDays(14), 5));
    CardState card = Cards.created(small, Cards.streamingCard());
    assertThat(small.execute(card, content(1, "123456")).refusal().code())
        .isEqualTo(ErrorCode.INVALID_PARAMETER);
  }
}
