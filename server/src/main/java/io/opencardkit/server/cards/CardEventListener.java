package io.opencardkit.server.cards;

import io.opencardkit.core.engine.CardEvent;
import java.util.List;

/** Told about card events after they are durably committed, in version order per card. */
@FunctionalInterface
public interface CardEventListener {
  void committed(List<CardEvent> events);
}
