package io.opencardkit.core.store;

/**
 * The full state of a card at a version, so that loading does not replay the whole log.
 *
 * @param cardId the card
 * @param version the version of the last event folded into this state
 * @param stateJson the state as written by {@code CardStateCodec}
 */
public record CardSnapshot(String cardId, long version, String stateJson) {}
