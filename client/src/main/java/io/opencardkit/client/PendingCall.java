package io.opencardkit.client;

import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One request of a stream's writer, retried identically until acknowledged, refused for good, or
 * out of budget.
 */
final class PendingCall {
  final String operation;
  final WrittenCard card; // the card the call changes, or null (create)
  final String cardId;
  final int sequence; // 0 for calls without one
  final String uuid;
  final Supplier<Reply> request;
  final BiConsumer<Reply, Long> success; // (reply, start of the acknowledged attempt)
  final Predicate<Reply> refused; // true when the refusal was handled and the stream goes on
  int attempts;
  long firstAttemptAt;
  boolean outcomeUnknown; // an earlier attempt may have been applied

  PendingCall(
      String operation,
      WrittenCard card,
      int sequence,
      String uuid,
      Supplier<Reply> request,
      BiConsumer<Reply, Long> success,
      Predicate<Reply> refused) {
    this.operation = operation;
    this.card = card;
    this.cardId = card == null ? null : card.id;
    this.sequence = sequence;
    this.uuid = uuid;
    this.request = request;
    this.success = success;
    this.refused = refused;
  }
}
