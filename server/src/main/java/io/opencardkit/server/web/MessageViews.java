package io.opencardkit.server.web;

import io.opencardkit.core.Json;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.server.cards.CardRuntime;
import io.opencardkit.server.cards.CardRuntime.CardHandle;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.im.MessageService;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

/** Builds the page's {@code MessageView} of stored messages. */
final class MessageViews {
  private final Supplier<Directory> directory;
  private final CardRuntime runtime;
  private final Clock clock;
  private final long streamingTimeoutMillis;

  MessageViews(Supplier<Directory> directory, CardRuntime runtime, Clock clock, long streamingTimeoutMillis) {
    this.directory = directory;
    this.runtime = runtime;
    this.clock = clock;
    this.streamingTimeoutMillis = streamingTimeoutMillis;
  }

  /** The view of a message; {@code card} is the card entity it shows, read beforehand, or {@code null}. */
  MessageView of(MessageRecord record, CardView card) {
    boolean fromBot = "app".equals(record.senderType());
    String summary;
    if (card != null) {
      summary = card.facts().summary();
    } else if (record.cardId() != null) {
      summary = "[卡片]"; // the card entity is gone (compacted)
    } else {
      summary = MessageService.summaryOf(record);
    }
    return new MessageView(
        record.messageId(),
        record.chatId(),
        record.msgType(),
        record.senderId(),
        directory.get().nameOf(record.senderId()).orElse(record.senderId()),
        fromBot ? "bot" : "user",
        record.createdAtMillis(),
        Json.parseOrNull(record.content()),
        card,
        summary);
  }

  /** The view of a message, loading its card entity when needed; call off the event loop. */
  MessageView renderBlocking(MessageRecord record) {
    if (record.cardId() == null) {
      return of(record, null);
    }
    Optional<CardHandle> handle = runtime.findBlocking(record.cardId());
    return of(record, handle.map(this::read).orElse(null));
  }

  /** Reads a card under its monitor. */
  CardView read(CardHandle handle) {
    return CardView.read(handle, clock.millis(), streamingTimeoutMillis);
  }
}
