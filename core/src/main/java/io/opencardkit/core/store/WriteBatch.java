package io.opencardkit.core.store;

import io.opencardkit.core.engine.CardEvent;
import java.util.List;
import java.util.Map;

/**
 * What one accepted request writes, committed atomically.
 *
 * @param events new card events; versions per card follow the stored ones without gaps
 * @param snapshots card snapshots to upsert (replace the card's previous one)
 * @param messages messages to insert or replace (by message id)
 * @param meta key/value entries to upsert
 * @param deliveries events for bots to insert (see {@link DeliveryStore}), stored with what caused
 *     them
 */
public record WriteBatch(
    List<CardEvent> events,
    List<CardSnapshot> snapshots,
    List<MessageRecord> messages,
    Map<String, String> meta,
    List<PendingDelivery> deliveries) {
  public WriteBatch {
    events = List.copyOf(events);
    snapshots = List.copyOf(snapshots);
    messages = List.copyOf(messages);
    meta = Map.copyOf(meta);
    deliveries = List.copyOf(deliveries);
  }

  /** A batch that adds no delivery. */
  public WriteBatch(
      List<CardEvent> events,
      List<CardSnapshot> snapshots,
      List<MessageRecord> messages,
      Map<String, String> meta) {
    this(events, snapshots, messages, meta, List.of());
  }

  public static WriteBatch ofEvents(List<CardEvent> events) {
    return new WriteBatch(events, List.of(), List.of(), Map.of());
  }

  public boolean isEmpty() {
    return events.isEmpty()
        && snapshots.isEmpty()
        && messages.isEmpty()
        && meta.isEmpty()
        && deliveries.isEmpty();
  }
}
