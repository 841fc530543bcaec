package io.opencardkit.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.core.Json;
import io.opencardkit.core.engine.CardEvent;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.core.store.WriteBatch;
import io.opencardkit.store.testkit.Events;
import io.opencardkit.store.testkit.Messages;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class ReplicatedBatchTest {
  @Test
  void severalCommittedBatches_travelAsOneMessageAndComeBackInCommitOrder() {
    MessageRecord message = Messages.card("om_1", "oc_1", "c1", "uuid-1", 100);
    WriteBatch first =
        new WriteBatch(
            List.of(Events.event("c1", 1), Events.bareEvent("c2", 1)),
            List.of(),
            List.of(message),
            Map.of("k", "v1"));
    WriteBatch second =
        new WriteBatch(
            List.of(Events.event("c1", 2)),
            List.of(Events.snapshot("c1", 2)),
            List.of(Messages.text("om_2", "oc_1", 200)),
            Map.of("k", "v2"));

    String encoded = ReplicatedBatch.encode(List.of(first, second), 7);
    ReplicatedBatch decoded = ReplicatedBatch.decode(Json.parseOrNull(encoded));

    assertThat(Json.parseOrNull(encoded).path("n").asLong())
        .isEqualTo(7); // the sender's numbering, for gap detection
    assertThat(decoded.events())
        .containsExactly(Events.event("c1", 1), Events.bareEvent("c2", 1), Events.event("c1", 2));
    assertThat(decoded.messages()).containsExactly(message, Messages.text("om_2", "oc_1", 200));
    assertThat(decoded.meta())
        .containsExactly(Map.entry("k", "v2")); // the later commit's value, as the store holds it
    assertThat(decoded.eventsByCard())
        .extracting(events -> events.stream().map(CardEvent::version).toList())
        .containsExactly(List.of(1L, 2L), List.of(1L));
  }

  @Test
  void batchesWithOnlySnapshots_areNotBroadcast() {
    assertThat(
            ReplicatedBatch.encode(
                List.of(
                    new WriteBatch(
                        List.of(), List.of(Events.snapshot("c1", 5)), List.of(), Map.of())),
                1))
        .isNull();
  }

  @Test
  void heartbeat_repeatsTheNumberOfTheLastBatchMessage() {
    assertThat(Json.parseOrNull(ReplicatedBatch.heartbeat(7)).path("t").asText())
        .isEqualTo(ReplicatedBatch.HEARTBEAT_TYPE);
    assertThat(Json.parseOrNull(ReplicatedBatch.heartbeat(7)).path("n").asLong()).isEqualTo(7);
  }
}
