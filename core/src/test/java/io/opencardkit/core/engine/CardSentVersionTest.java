package io.opencardkit.core.engine;

import static io.opencardkit.core.engine.Cards.content;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A card remembers the version it was sent at: what a chat can show of it starts there. */
final class CardSentVersionTest {
  private final Cards.TestClock clock = new Cards.TestClock();
  private final CardEngine engine = new CardEngine(clock, CardLimits.feishu());

  @Test
  void markSent_afterAnUpdate_remembersTheSentEventsVersion() {
    CardState state = Cards.created(engine, Cards.streamingCard());
    engine.execute(state, content(1, "Hi"));
    assertThat(state.sentVersion()).isZero();

    CardEvent sent = engine.markSent(state, Cards.APP, "om_1", "oc_1");
    engine.execute(state, content(2, "Hi there"));

    assertThat(sent.version()).isEqualTo(3);
    assertThat(state.sentVersion()).isEqualTo(3);
    assertThat(state.version()).isEqualTo(4);
  }

  @Test
  void snapshot_keepsTheSentVersion_andAnOlderSnapshotWithoutItReadsZero() {
    CardState state = Cards.created(engine, Cards.streamingCard());
    engine.markSent(state, Cards.APP, "om_1", "oc_1");

    CardState restored = CardStateCodec.read(state.cardId(), CardStateCodec.write(state));
    String older = CardStateCodec.write(state).replace(",\"sent_version\":2", "");
    CardState fromOlder = CardStateCodec.read(state.cardId(), older);

    assertThat(restored.sentVersion()).isEqualTo(2);
    assertThat(older).doesNotContain("sent_version");
    assertThat(fromOlder.sentVersion()).isZero();
    assertThat(fromOlder.sentMessageId()).isEqualTo("om_1");
  }
}
