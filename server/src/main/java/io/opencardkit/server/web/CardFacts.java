package io.opencardkit.server.web;

import io.opencardkit.core.engine.CardState;
import io.opencardkit.core.engine.CardSummary;

/**
 * What a viewer needs to know about a card besides its JSON, read at one version.
 *
 * @param cardId the card
 * @param messageId the message showing it, or {@code null} before it is sent
 * @param chatId the chat of that message, or {@code null} before it is sent
 * @param version the card's version these facts belong to
 * @param streaming whether streaming mode is on and its window still open
 * @param deadline when streaming mode closes itself (epoch ms), or {@code null} when it is off
 * @param summary the chat-list preview
 */
record CardFacts(
    String cardId,
    String messageId,
    String chatId,
    long version,
    boolean streaming,
    Long deadline,
    String summary) {

  /** Reads the facts of a card state; call with the card handle's monitor held. */
  static CardFacts of(CardState state, long nowMillis, long streamingTimeoutMillis) {
    Long deadline =
        state.streamingMode() ? state.streamingOpenedAtMillis() + streamingTimeoutMillis : null;
    return new CardFacts(
        state.cardId(),
        state.sentMessageId(),
        state.sentChatId(),
        state.version(),
        state.isStreaming(nowMillis, streamingTimeoutMillis),
        deadline,
        CardSummary.of(state, nowMillis, streamingTimeoutMillis));
  }
}
