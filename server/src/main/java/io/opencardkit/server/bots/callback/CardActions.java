package io.opencardkit.server.bots.callback;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.store.MessageRecord;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Delivers a user's interaction with a card to the bot behind the card, and applies the bot's
 * answer.
 */
public interface CardActions {
  /**
   * Delivers one interaction; completes (never exceptionally) once the bot answered and its answer
   * took effect, or it failed. Call off the event loop: it may load the card.
   *
   * @param message the message showing the card (checked by the caller: the user can see it, it is
   *     interactive)
   * @param openId the user
   * @param posted what the page posted ({@code tag, element_id, name, value, option, options,
   *     form_value, input_value, checked})
   */
  CompletableFuture<Outcome> deliver(MessageRecord message, String openId, ObjectNode posted);

  /**
   * How an interaction ended.
   *
   * @param delivered whether the bot answered in time with HTTP 200 and a usable body
   * @param toasts what to show the user, in order (the bot's toast, then OpenCardKit's notices)
   */
  record Outcome(boolean delivered, List<Toast> toasts) {
    public Outcome {
      toasts = List.copyOf(toasts);
    }
  }
}
