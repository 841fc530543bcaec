package io.opencardkit.server.cards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.Fingerprints;
import io.opencardkit.core.Json;
import io.opencardkit.core.card.CardValidator;
import io.opencardkit.core.engine.CardEngine;
import io.opencardkit.core.engine.CardLimits;
import io.opencardkit.core.engine.Mutation;
import io.opencardkit.core.engine.Outcome;
import io.opencardkit.server.cards.CardRuntime.CardHandle;
import io.opencardkit.server.testkit.MutableClock;
import io.opencardkit.store.testkit.InMemoryCardStore;
import java.time.Duration;
import org.junit.jupiter.api.Test;

final class CardRuntimeInteractionTest {
  private static final String APP = "cli_0000000000000001";
  private final MutableClock clock = MutableClock.startingNow();
  private final CardRuntime runtime =
      new CardRuntime(
          new InMemoryCardStore(),
          new CardEngine(clock, CardLimits.feishu()),
          Runnable::run,
          new CardIds(clock, 0));
  private final CardHandle card =
      runtime.findBlocking(runtime.create(APP, card("Question", true)).join()).orElseThrow();

  private static ObjectNode card(String text, boolean streaming) {
    return CardValidator.parseCard(
        "{\"schema\":\"2.0\",\"config\":{\"streaming_mode\":"
            + streaming
            + "},\"body\":{\"elements\":[{\"tag\":\"markdown\",\"content\":\""
            + text
            + "\",\"element_id\":\"md\"}]}}");
  }

  private Outcome content(int sequence, String text) {
    ObjectNode payload = Json.object().put("element_id", "md").put("content", text);
    return runtime
        .mutate(
            card,
            new Mutation(
                Mutation.Kind.CONTENT,
                APP,
                sequence,
                null,
                Fingerprints.of(text, "" + sequence),
                payload))
        .join();
  }

  @Test
  void mutate_whileTwoInteractionsOverlap_staysLockedUntilBothEnded() {
    long deadline = clock.millis() + 3000;
    runtime.lockInteraction(card, deadline).join();
    runtime.lockInteraction(card, deadline).join();

    runtime.unlockInteraction(card).join();
    assertThat(content(1, "a").refusal().code())
        .isEqualTo(ErrorCode.CARD_IN_INTERACTION); // the other one is still in flight
    runtime.unlockInteraction(card).join();

    assertThat(content(1, "a").accepted()).isTrue();
  }

  @Test
  void mutate_afterTheLocksDeadline_isAcceptedEvenIfNobodyUnlocked() {
    runtime.lockInteraction(card, clock.millis() + 3000).join();
    clock.advance(Duration.ofSeconds(3));

    assertThat(content(1, "a").accepted()).isTrue();
  }

  @Test
  void applyCallbackCard_replacesTheCardAndEndsTheInteraction() {
    content(1, "streaming");
    runtime
        .mutate(
            card,
            new Mutation(
                Mutation.Kind.SETTINGS,
                APP,
                2,
                null,
                "off",
                Json.object().set("config", Json.object().put("streaming_mode", false))))
        .join();
    runtime.lockInteraction(card, clock.millis() + 3000).join();

    runtime.applyCallbackCard(card, APP, card("Answered", false)).join();

    synchronized (card) {
      assertThat(card.state().card().get("body").get("elements").get(0).get("content").asText())
          .isEqualTo("Answered");
    }
    assertThat(content(3, "next").accepted())
        .isFalse(); // not locked any more: refused only because the card no longer streams
    assertThat(content(3, "next").refusal().code()).isEqualTo(ErrorCode.STREAMING_CLOSED);
  }
}
