package io.opencardkit.core.store;

import io.opencardkit.core.engine.CardEvent;
import java.util.List;

/**
 * A card as stored: its newest snapshot, or {@code null} when it has none yet, and the events after
 * it.
 */
public record LoadedCard(CardSnapshot snapshot, List<CardEvent> eventsAfter) {
  public LoadedCard {
    eventsAfter = List.copyOf(eventsAfter);
  }
}
