package io.opencardkit.server.im;

import io.opencardkit.core.store.MessageRecord;

/**
 * Told about a message after it is durably committed: a new message, or new content of an inline
 * card (IM PATCH). Called on the store's writer thread: implementations must not block.
 */
@FunctionalInterface
public interface MessageListener {
  void committed(MessageRecord message);
}
