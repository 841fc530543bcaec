package io.opencardkit.server.im;

import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.core.store.PendingDelivery;
import java.util.List;

/**
 * Where the events a user's message becomes for bots are made: before the message is committed
 * (they are stored in the same batch, so an acknowledged message never loses its events), and told
 * again once the batch is durable.
 */
public interface EventOutbox {
  /** No bots: a message becomes no event. */
  EventOutbox NONE =
      new EventOutbox() {
        @Override
        public List<PendingDelivery> eventsFor(MessageRecord message) {
          return List.of();
        }

        @Override
        public void committed(List<PendingDelivery> events) {}
      };

  /** The events {@code message} becomes; called on the sender's thread before the commit. */
  List<PendingDelivery> eventsFor(MessageRecord message);

  /**
   * The events are stored with their message (called on the store's writer thread: must not block).
   */
  void committed(List<PendingDelivery> events);
}
