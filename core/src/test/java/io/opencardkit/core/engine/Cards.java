package io.opencardkit.core.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.Fingerprints;
import io.opencardkit.core.Json;
import io.opencardkit.core.card.CardValidator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** Fixtures for engine tests: a settable clock, sample cards and mutations. */
final class Cards {
  static final String APP = "cli_owner";
  static final String OTHER_APP = "cli_other";

  private Cards() {}

  /** A wall clock that moves only when told to. */
  static final class TestClock extends Clock {
    private final AtomicLong millis =
        new AtomicLong(Instant.parse("2026-11-24T08:00:00Z").toEpochMilli());

    TestClock advance(Duration d) {
      millis.addAndGet(d.toMillis());
      return this;
    }

    @Override
    public long millis() {
      return millis.get();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  static ObjectNode streamingCard() {
    return CardValidator.parseCard(
        "{\"schema\":\"2.0\",\"header\":{\"title\":{\"tag\":\"plain_text\",\"content\":\"Answer\"}},"
            + "\"config\":{\"streaming_mode\":true},\"body\":{\"elements\":["
            + "{\"tag\":\"markdown\",\"content\":\"\",\"element_id\":\"md\"},"
            + "{\"tag\":\"column_set\",\"element_id\":\"cols\",\"columns\":[{\"tag\":\"column\",\"element_id\":\"col\",\"elements\":[{\"tag\":\"markdown\",\"content\":\"in column\",\"element_id\":\"inner\"}]}]},"
            + "{\"tag\":\"button\",\"element_id\":\"btn\",\"text\":{\"tag\":\"plain_text\",\"content\":\"OK\"}}]}}");
  }

  static ObjectNode staticCard() {
    ObjectNode card = streamingCard();
    ((ObjectNode) card.get("config")).put("streaming_mode", false);
    return card;
  }

  static CardState created(CardEngine engine, ObjectNode card) {
    CardState state = new CardState("7000000000000000001");
    state.apply(engine.create(state.cardId(), APP, card));
    return state;
  }

  static Mutation content(int sequence, String text) {
    return content(APP, sequence, null, "md", text);
  }

  static Mutation content(String app, int sequence, String uuid, String elementId, String text) {
    ObjectNode payload = Json.object().put("element_id", elementId).put("content", text);
    return new Mutation(
        Mutation.Kind.CONTENT,
        app,
        sequence,
        uuid,
        Fingerprints.of("CONTENT", elementId, text, Integer.toString(sequence)),
        payload);
  }

  static Mutation settings(int sequence, String settingsJson) {
    ObjectNode payload = CardOperations.normalizeSettings(Json.parseOrNull(settingsJson));
    return new Mutation(
        Mutation.Kind.SETTINGS, APP, sequence, null, Fingerprints.of(settingsJson), payload);
  }

  static Mutation of(Mutation.Kind kind, int sequence, String payloadJson) {
    return new Mutation(
        kind,
        APP,
        sequence,
        null,
        Fingerprints.of(kind.name(), payloadJson),
        (ObjectNode) Json.parseOrNull(payloadJson));
  }

  static String text(CardState state, String elementId) {
    return io.opencardkit.core.card.ElementTree.find(state.card(), elementId)
        .path("content")
        .asText();
  }
}
