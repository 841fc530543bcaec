package io.opencardkit.core.engine;

import io.opencardkit.core.ApiException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the engine decided for one mutation.
 *
 * @param events events to persist, already applied to the state; may be non-empty even when refused
 *     (a streaming window found closed is recorded whatever the call's fate)
 * @param refusal the error to answer with, or {@code null} on success
 * @param replayed true when a uuid matched an earlier identical request: success without applying
 *     again
 */
public record Outcome(List<CardEvent> events, @Nullable ApiException refusal, boolean replayed) {
  public Outcome {
    events = List.copyOf(events);
  }

  public boolean accepted() {
    return refusal == null;
  }
}
