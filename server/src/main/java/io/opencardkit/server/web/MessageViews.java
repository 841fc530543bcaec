package io.opencardkit.server.web;

import io.opencardkit.core.Json;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.server.cards.CardRuntime;
import io.opencardkit.server.cards.CardRuntime.CardHandle;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.im.MessageService;
import io.opencardkit.server.im.Reaction;
import io.opencardkit.server.im.Reactions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** Builds the page's {@code MessageView} of stored messages. */
final class MessageViews {
  private final Supplier<Directory> directory;
  private final CardRuntime runtime;
  private final Clock clock;
  private final long streamingTimeoutMillis;
  private final Reactions reactions;

  MessageViews(
      Supplier<Directory> directory,
      CardRuntime runtime,
      Clock clock,
      long streamingTimeoutMillis,
      Reactions reactions) {
    this.directory = directory;
    this.reactions = reactions;
    this.runtime = runtime;
    this.clock = clock;
    this.streamingTimeoutMillis = streamingTimeoutMillis;
  }

  /**
   * The view of a message; {@code card} is the card entity it shows, read beforehand, or {@code
   * null}. Reactions are those known without a store read (see {@link Reactions#cached}); {@link
   * #renderBlocking} reads them.
   */
  MessageView of(MessageRecord record, CardView card) {
    return of(record, card, reactions.cached(record.messageId()));
  }

  private MessageView of(MessageRecord record, CardView card, List<Reaction> reactionsOfMessage) {
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
        record.recalled() ? null : Json.parseOrNull(record.content()),
        card,
        summary,
        reactionViews(reactionsOfMessage),
        record.recalled(),
        isEdited(record));
  }

  /**
   * A text or post message changed after it was sent can only have been edited (inline cards are
   * patched).
   */
  private static boolean isEdited(MessageRecord record) {
    return !record.recalled()
        && record.updatedAtMillis() != record.createdAtMillis()
        && ("text".equals(record.msgType()) || "post".equals(record.msgType()));
  }

  private List<MessageView.ReactionView> reactionViews(List<Reaction> list) {
    Directory dir = directory.get();
    List<MessageView.ReactionView> views = new ArrayList<>(list.size());
    for (Reaction r : list) {
      String kind = "app".equals(r.operatorType()) ? "bot" : "user";
      views.add(
          new MessageView.ReactionView(
              r.reactionId(),
              r.emojiType(),
              r.operatorId(),
              dir.nameOf(r.operatorId()).orElse(r.operatorId()),
              kind));
    }
    return views;
  }

  /**
   * The view of a message, loading its card entity when needed, brought up to what the store holds
   * (another node may have acknowledged versions this one has not heard of, see {@link
   * CardRuntime#refresh(java.util.Collection)}); call off the event loop.
   */
  MessageView renderBlocking(MessageRecord record) {
    return renderBlocking(List.of(record)).get(0);
  }

  /**
   * {@link #renderBlocking(MessageRecord)} of several messages, with one look at the store for all
   * their cards.
   */
  List<MessageView> renderBlocking(List<MessageRecord> records) {
    runtime.refreshBlocking(
        records.stream()
            .map(MessageRecord::cardId)
            .filter(Objects::nonNull)
            .distinct()
            .collect(Collectors.toList()));
    List<MessageView> rendered = new ArrayList<>(records.size());
    for (MessageRecord record : records) {
      List<Reaction> reactionsOfMessage = reactions.loadBlocking(record.messageId());
      Optional<CardHandle> handle =
          record.cardId() == null ? Optional.empty() : runtime.findBlocking(record.cardId());
      rendered.add(of(record, handle.map(this::read).orElse(null), reactionsOfMessage));
    }
    return rendered;
  }

  /** Reads a card under its monitor. */
  CardView read(CardHandle handle) {
    return CardView.read(handle, clock.millis(), streamingTimeoutMillis);
  }
}
