package io.opencardkit.core.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One accepted mutation of a card, with the card's next version (1, 2, 3, … per card).
 *
 * @param cardId the card
 * @param version per-card version, gap-free from 1; not the bot's sequence
 * @param type what happened
 * @param atMillis wall-clock time the mutation took effect (for a timeout: when the window closed)
 * @param appId the calling app, or {@code null} for events the server itself causes
 * @param sequence the bot's sequence, 0 when the call carries none (create, send, timeout)
 * @param uuid the bot's idempotency id, or {@code null}
 * @param fingerprint a digest of the request, stored with the uuid to tell a replay from a
 *     conflict; or {@code null}
 * @param payload the type-specific data; never mutated after the event is built
 */
public record CardEvent(
    String cardId,
    long version,
    EventType type,
    long atMillis,
    @Nullable String appId,
    int sequence,
    @Nullable String uuid,
    @Nullable String fingerprint,
    ObjectNode payload) {
  public CardEvent {
    Objects.requireNonNull(cardId, "cardId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(payload, "payload");
  }
}
