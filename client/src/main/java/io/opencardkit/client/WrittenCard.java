package io.opencardkit.client;

/**
 * A card of a stream as its writer knows it; only acknowledged calls change it. Used by the
 * writer's steps only.
 */
final class WrittenCard {
  enum State {
    UNSENT,
    STREAMING,
    CLOSED,
    ENDED
  }

  final String id;
  // when its streaming window opened: the start of the create call, or of the re-open
  long openedAt;
  String messageId; // null until sent
  // the last sequence acknowledged (or possibly used) on this card; 0 before the first
  int sequence;
  String shown = ""; // the text the card shows
  State state = State.UNSENT;
  boolean reopened; // streaming was re-opened once after the window closed
  boolean reopenNeeded; // the last content call heard that the window closed
  boolean streamingLost; // the window closed again after the re-open: continue in a follow-up card
  boolean full; // the server refused more text (200860): this card keeps what it shows
  boolean endTooLarge; // the server refused the elements (200860): they go to a follow-up card

  WrittenCard(String id, long openedAt) {
    this.id = id;
    this.openedAt = openedAt;
  }
}
