package io.opencardkit.client;

/**
 * A card a stream created and sent: the CardKit card entity and the IM message that shows it.
 *
 * @param cardId the card entity's id
 * @param messageId the id of the message that shows the card
 */
public record CardRef(String cardId, String messageId) {}
