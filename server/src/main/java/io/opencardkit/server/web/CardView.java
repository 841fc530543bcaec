package io.opencardkit.server.web;

import io.opencardkit.core.Json;
import io.opencardkit.core.engine.CardState;
import io.opencardkit.server.cards.CardRuntime.CardHandle;

/**
 * A card as a viewer sees it at one version: its facts and its JSON, already serialized (so that it
 * can be read under the card's monitor and written later without it).
 */
record CardView(CardFacts facts, String cardJson) {

  /** Reads a card consistently under its handle's monitor. */
  static CardView read(CardHandle handle, long nowMillis, long streamingTimeoutMillis) {
    synchronized (handle) {
      CardState state = handle.state();
      return new CardView(
          CardFacts.of(state, nowMillis, streamingTimeoutMillis), Json.write(state.card()));
    }
  }
}
