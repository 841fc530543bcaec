package io.opencardkit.core.engine;

import static io.opencardkit.core.engine.Cards.content;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.core.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Replaying the log (from scratch or from a snapshot) rebuilds exactly the acknowledged state. */
final class CardReplayTest {
  private final Cards.TestClock clock = new Cards.TestClock();
  private final CardEngine engine = new CardEngine(clock, CardLimits.feishu());

  private List<CardEvent> history(CardState state, CardEvent created) {
    List<CardEvent> log = new ArrayList<>(List.of(created));
    log.addAll(engine.execute(state, content(Cards.APP, 1, "u1", "md", "Hel")).events());
    log.addAll(engine.execute(state, content(2, "Hello")).events());
    log.addAll(engine.execute(state, content(3, "Bye")).events());
    log.addAll(
        engine
            .execute(
                state, Cards.of(Mutation.Kind.DELETE_ELEMENTS, 4, "{\"element_ids\":[\"btn\"]}"))
            .events());
    clock.advance(Duration.ofMinutes(11));
    log.addAll(
        engine.execute(state, content(5, "Bye!")).events()); // refused, but records the timeout
    log.addAll(
        engine
            .execute(state, Cards.settings(6, "{\"config\":{\"streaming_mode\":true}}"))
            .events());
    return log;
  }

  @Test
  void apply_allEventsFromScratch_givesTheSameState() {
    CardState live = new CardState("7000000000000000002");
    CardEvent created = engine.create(live.cardId(), Cards.APP, Cards.streamingCard());
    live.apply(created);
    List<CardEvent> log = history(live, created);

    CardState replayed = new CardState(live.cardId());
    log.forEach(replayed::apply);

    assertSame(replayed, live);
  }

  @Test
  void snapshotThenRemainingEvents_givesTheSameState() {
    CardState live = new CardState("7000000000000000003");
    CardEvent created = engine.create(live.cardId(), Cards.APP, Cards.streamingCard());
    live.apply(created);
    List<CardEvent> log = history(live, created);

    CardState partial = new CardState(live.cardId());
    log.subList(0, 3).forEach(partial::apply);
    CardState restored = CardStateCodec.read(live.cardId(), CardStateCodec.write(partial));
    log.subList(3, log.size()).forEach(restored::apply);

    assertSame(restored, live);
    // After restoring, the remembered uuid still replays instead of applying again.
    assertThat(engine.execute(restored, content(Cards.APP, 1, "u1", "md", "Hel")).replayed())
        .isTrue();
  }

  private static void assertSame(CardState actual, CardState expected) {
    assertThat(Json.write(actual.card())).isEqualTo(Json.write(expected.card()));
    assertThat(actual.version()).isEqualTo(expected.version());
    assertThat(actual.lastSequence()).isEqualTo(expected.lastSequence());
    assertThat(actual.streamingOpenedAtMillis()).isEqualTo(expected.streamingOpenedAtMillis());
    assertThat(actual.uuidFingerprints()).isEqualTo(expected.uuidFingerprints());
    assertThat(actual.cardBytes()).isEqualTo(Json.utf8Size(expected.card()));
  }
}
