package io.opencardkit.store.testkit;

import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.core.store.WriteBatch;
import java.util.List;
import java.util.Map;

/** Sample chat messages for storage tests. */
public final class Messages {
  private Messages() {}

  /**
   * A text message an app sent to {@code chatId} at {@code createdAtMillis}, without uuid or
   * thread.
   */
  public static MessageRecord text(String messageId, String chatId, long createdAtMillis) {
    return new MessageRecord(
        messageId,
        chatId,
        "cli_sample",
        "app",
        "text",
        "{\"text\":\"hello " + messageId + "\"}",
        null,
        null,
        null,
        null,
        createdAtMillis,
        createdAtMillis);
  }

  /** A card entity message with every optional field set. */
  public static MessageRecord card(
      String messageId, String chatId, String cardId, String uuid, long createdAtMillis) {
    return new MessageRecord(
        messageId,
        chatId,
        "cli_sample",
        "app",
        "interactive",
        "{\"type\":\"card\",\"data\":{\"card_id\":\"" + cardId + "\"}}",
        cardId,
        "om_root",
        "om_parent",
        uuid,
        createdAtMillis,
        createdAtMillis);
  }

  /** A batch of messages only. */
  public static WriteBatch batch(MessageRecord... messages) {
    return new WriteBatch(List.of(), List.of(), List.of(messages), Map.of());
  }
}
