package io.opencardkit.server.web;

/**
 * A short number for one (card, element) pair that compact append frames name instead of the card's
 * id and the element's id (docs/web-protocol.md, "Compact append frames"). Numbers are handed out
 * by the hub, never reused within a node's lifetime, and announced to each socket once, before its
 * first compact frame, by {@link #announcement}.
 */
record AppendStream(long number, String cardId, String elementId, OutFrame announcement) {
  static AppendStream of(long number, String cardId, String elementId) {
    return new AppendStream(
        number, cardId, elementId, OutFrame.of(Frames.stream(number, cardId, elementId)));
  }
}
