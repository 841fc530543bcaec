package io.opencardkit.core.engine;

import static io.opencardkit.core.engine.Cards.content;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.ApiException;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.card.CardValidator;
import java.time.Duration;
import org.junit.jupiter.api.Test;

final class CardEngineInteractionTest {
  private final Cards.TestClock clock = new Cards.TestClock();
  private final CardEngine engine = new CardEngine(clock, CardLimits.feishu());

  private static ObjectNode answerCard(String text) {
    return CardValidator.parseCard(
        "{\"schema\":\"2.0\",\"body\":{\"elements\":[{\"tag\":\"markdown\",\"content\":\""
            + text
            + "\",\"element_id\":\"md\"}]}}");
  }

  @Test
  void execute_beforeInteractionDeadline_isRefusedWith200810AndConsumesNoSequence() {
    CardState state = Cards.created(engine, Cards.streamingCard());
    engine.startInteraction(state, clock.millis() + 3000);

    Outcome refused = engine.execute(state, content(1, "Hello"));

    assertThat(refused.refusal().code()).isEqualTo(ErrorCode.CARD_IN_INTERACTION);
    assertThat(refused.events()).isEmpty();
    engine.endInteraction(state);
    // The refused call did not move the high-water mark: the same sequence is accepted once the
    // lock is gone.
    assertThat(engine.execute(state, content(1, "Hello")).accepted()).isTrue();
  }

  @Test
  void execute_atOrAfterInteractionDeadline_isAccepted() {
    CardState state = Cards.created(engine, Cards.streamingCard());
    engine.startInteraction(state, clock.millis() + 3000);
    clock.advance(Duration.ofSeconds(3));

    assertThat(engine.execute(state, content(1, "Hello")).accepted()).isTrue();
  }

  @Test
  void execute_byOtherAppDuringInteraction_isStillRefusedAsNotOwner() {
    CardState state = Cards.created(engine, Cards.streamingCard());
    engine.startInteraction(state, clock.millis() + 3000);

    Outcome refused = engine.execute(state, content(Cards.OTHER_APP, 1, null, "md", "x"));

    assertThat(refused.refusal().code()).isEqualTo(ErrorCode.NOT_CARD_OWNER);
  }

  @Test
  void interactions_overlapping_lockUntilAllEndedOrTheLatestDeadline() {
    CardState state = Cards.created(engine, Cards.streamingCard());
    engine.startInteraction(state, clock.millis() + 3000);
    clock.advance(Duration.ofSeconds(1));
    engine.startInteraction(state, clock.millis() + 3000);

    engine.endInteraction(state);
    assertThat(engine.execute(state, content(1, "a")).refusal().code())
        .isEqualTo(ErrorCode.CARD_IN_INTERACTION);
    clock.advance(Duration.ofMillis(2500)); // past the first deadline, before the second
    assertThat(engine.execute(state, content(1, "a")).refusal().code())
        .isEqualTo(ErrorCode.CARD_IN_INTERACTION);
    engine.endInteraction(state);

    assertThat(engine.execute(state, content(1, "a")).accepted()).isTrue();
    assertThat(engine.endInteraction(state)).isEmpty(); // nothing left in flight: no event
  }

  @Test
  void interactionLock_survivesASnapshotAndAReplayOfTheLog() {
    CardState state = new CardState("7000000000000000001");
    CardEvent created = engine.create(state.cardId(), Cards.APP, Cards.streamingCard());
    state.apply(created);
    CardEvent started = engine.startInteraction(state, clock.millis() + 3000);

    CardState restored = CardStateCodec.read(state.cardId(), CardStateCodec.write(state));
    CardState replayed = new CardState(state.cardId());
    replayed.apply(created);
    replayed.apply(started);

    assertThat(engine.execute(restored, content(1, "a")).refusal().code())
        .isEqualTo(ErrorCode.CARD_IN_INTERACTION);
    assertThat(engine.execute(replayed, content(1, "a")).refusal().code())
        .isEqualTo(ErrorCode.CARD_IN_INTERACTION);
  }

  @Test
  void interactionStarted_afterAnEarlierOneWasNeverEnded_startsAFreshCount() {
    CardState state = Cards.created(engine, Cards.streamingCard());
    engine.startInteraction(state, clock.millis() + 3000); // its node died: nobody ends it
    clock.advance(Duration.ofSeconds(5));
    engine.startInteraction(state, clock.millis() + 3000);

    engine.endInteraction(state);

    assertThat(engine.execute(state, content(1, "a")).accepted()).isTrue();
  }

  @Test
  void replaceFromCallback_onStaticCard_replacesWithoutTouchingTheSequence() {
    CardState state = Cards.created(engine, Cards.staticCard());
    engine.execute(state, Cards.settings(5, "{\"config\":{\"streaming_mode\":false}}"));

    CardEvent event = engine.replaceFromCallback(state, Cards.APP, answerCard("Thanks"));

    assertThat(event.type()).isEqualTo(EventType.REPLACED);
    assertThat(event.sequence()).isZero();
    assertThat(Cards.text(state, "md")).isEqualTo("Thanks");
    assertThat(state.lastSequence()).isEqualTo(5); // the bot's next CardKit call continues with 6
    assertThat(
            engine
                .execute(state, Cards.settings(6, "{\"config\":{\"summary\":{\"content\":\"x\"}}}"))
                .accepted())
        .isTrue();
  }

  @Test
  void replaceFromCallback_whileStreaming_isRefusedAndChangesNothing() {
    CardState state = Cards.created(engine, Cards.streamingCard());
    long version = state.version();

    assertThatThrownBy(() -> engine.replaceFromCallback(state, Cards.APP, answerCard("x")))
        .isInstanceOf(ApiException.class)
        .extracting(e -> ((ApiException) e).code())
        .isEqualTo(ErrorCode.INVALID_PARAMETER);
    assertThat(state.version()).isEqualTo(version);
  }

  @Test
  void replaceFromCallback_withSchema1Card_isRefusedWith300303() {
    CardState state = Cards.created(engine, Cards.staticCard());
    ObjectNode legacy =
        (ObjectNode)
            io.opencardkit.core.Json.parseOrNull(
                "{\"elements\":[{\"tag\":\"div\",\"text\":{\"tag\":\"plain_text\",\"content\":\"x\"}}]}");

    assertThatThrownBy(() -> engine.replaceFromCallback(state, Cards.APP, legacy))
        .extracting(e -> ((ApiException) e).code())
        .isEqualTo(ErrorCode.SCHEMA_NOT_2);
  }

  @Test
  void replaceFromCallback_byOtherApp_isRefusedWith300311() {
    CardState state = Cards.created(engine, Cards.staticCard());

    assertThatThrownBy(() -> engine.replaceFromCallback(state, Cards.OTHER_APP, answerCard("x")))
        .extracting(e -> ((ApiException) e).code())
        .isEqualTo(ErrorCode.NOT_CARD_OWNER);
  }
}
