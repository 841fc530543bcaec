package io.opencardkit.core.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A bot's request to change a card, already parsed and normalised by the API adapter.
 *
 * @param kind what to do
 * @param appId the calling app
 * @param sequence the bot's sequence number (any int; the engine decides whether it is acceptable)
 * @param uuid idempotency id, or {@code null}
 * @param fingerprint digest of the request, compared when a uuid is reused
 * @param payload the normalised data, in the shape of the matching {@link EventType}; for {@link
 *     Kind#CONTENT} {@code {element_id, content}}
 */
public record Mutation(
    Kind kind, String appId, int sequence, String uuid, String fingerprint, ObjectNode payload) {
  public Mutation {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(appId, "appId");
    Objects.requireNonNull(payload, "payload");
  }

  /** The CardKit operations that carry a sequence. */
  public enum Kind {
    SETTINGS(EventType.SETTINGS),
    REPLACE(EventType.REPLACED),
    BATCH(EventType.BATCH),
    ADD_ELEMENTS(EventType.ELEMENTS_ADDED),
    UPDATE_ELEMENT(EventType.ELEMENT_UPDATED),
    PATCH_ELEMENT(EventType.ELEMENT_PATCHED),
    DELETE_ELEMENTS(EventType.ELEMENTS_DELETED),
    /**
     * Streamed full text; becomes {@link EventType#CONTENT_APPENDED} or {@link
     * EventType#CONTENT_REPLACED}.
     */
    CONTENT(null);

    private final @Nullable EventType eventType;

    Kind(@Nullable EventType eventType) {
      this.eventType = eventType;
    }

    EventType eventType() {
      return Objects.requireNonNull(
          eventType, "CONTENT becomes CONTENT_APPENDED or CONTENT_REPLACED");
    }
  }
}
