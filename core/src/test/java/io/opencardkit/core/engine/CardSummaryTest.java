package io.opencardkit.core.engine;

import static io.opencardkit.core.engine.Cards.content;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.core.card.CardValidator;
import java.time.Duration;
import org.junit.jupiter.api.Test;

final class CardSummaryTest {
  private static final long WINDOW = Duration.ofMinutes(10).toMillis();
  private final Cards.TestClock clock = new Cards.TestClock();
  private final CardEngine engine = new CardEngine(clock, CardLimits.feishu());

  @Test
  void of_streamingWithoutCustomSummary_isGenerating() {
    CardState state = Cards.created(engine, Cards.streamingCard());
    assertThat(CardSummary.of(state, clock.millis(), WINDOW)).isEqualTo("[生成中...]");
  }

  @Test
  void of_customSummary_winsWhileStreamingAndAfter() {
    CardState state = Cards.created(engine, Cards.streamingCard());
    engine.execute(
        state, Cards.settings(1, "{\"config\":{\"summary\":{\"content\":\"Thinking\"}}}"));
    assertThat(CardSummary.of(state, clock.millis(), WINDOW)).isEqualTo("Thinking");
    engine.execute(state, Cards.settings(2, "{\"config\":{\"streaming_mode\":false}}"));
    assertThat(CardSummary.of(state, clock.millis(), WINDOW)).isEqualTo("Thinking");
  }

  @Test
  void of_afterStreaming_isDerivedFromTheCard() {
    CardState state = Cards.created(engine, Cards.streamingCard());
    engine.execute(state, content(1, "The answer"));
    engine.execute(state, Cards.settings(2, "{\"config\":{\"streaming_mode\":false}}"));
    assertThat(CardSummary.of(state, clock.millis(), WINDOW))
        .isEqualTo("Answer"); // the header title
  }

  @Test
  void of_windowRunOut_stopsSayingGenerating() {
    CardState state = Cards.created(engine, Cards.streamingCard());
    assertThat(CardSummary.of(state, clock.millis() + WINDOW, WINDOW)).isEqualTo("Answer");
  }

  @Test
  void derived_withoutTitle_usesTheFirstTextShortened() {
    String longText = "x".repeat(150);
    assertThat(
            CardSummary.derived(
                CardValidator.parseCard(
                    "{\"schema\":\"2.0\",\"body\":{\"elements\":[{\"tag\":\"markdown\",\"content\":\""
                        + longText
                        + "\"}]}}")))
        .hasSize(101)
        .endsWith("…");
    assertThat(CardSummary.derived(CardValidator.parseCard("{\"schema\":\"2.0\"}")))
        .isEqualTo("[卡片]");
  }
}
