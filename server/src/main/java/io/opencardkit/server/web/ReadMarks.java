package io.opencardkit.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.Json;
import io.opencardkit.core.store.CardStore;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.core.store.WriteBatch;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * How far each user has read each chat, and so how many of its messages are unread: a message
 * counts as unread for a user when someone else sent it after the user's read mark (in the chat's
 * order: creation time, then message id).
 *
 * <p>Implementation notes: a mark is one entry of the store's key/value area ({@value
 * #META_PREFIX}{@code <open_id>/<chat_id>}), written with the group commit like everything else, so
 * it survives a restart and is the same on every node (other nodes hear of it on the cluster bus,
 * see {@link #changedElsewhere}). Counts are not stored: they are derived from the mark and the
 * chat's messages when a page asks, so a message costs no write per member. A mark only moves
 * forward; on one node a lock makes the read-compare-write atomic. Two nodes marking the same
 * user's chat in the same instant may still write an older mark last (the store has no
 * compare-and-set on its key/value area): one message then counts as unread again until the user
 * next opens the chat.
 */
public final class ReadMarks {
  /**
   * Keys of read marks in the store's key/value area: this prefix, the user's open id, {@code /},
   * the chat id.
   */
  static final String META_PREFIX = "read/";

  /** Counting stops here: the page shows "99+" beyond. */
  static final int COUNT_LIMIT = 100;

  private final CardStore store;
  private final Object writeLock = new Object();
  private final List<Consumer<Mark>> listeners = new CopyOnWriteArrayList<>();

  ReadMarks(CardStore store) {
    this.store = store;
  }

  /**
   * A position in a chat: the message read last.
   *
   * @param openId whose mark it is
   * @param chatId the chat
   * @param messageId the last message read
   * @param createTime its creation time (the chat's order sorts by it, then by message id)
   */
  record Mark(String openId, String chatId, String messageId, long createTime) {
    /** Whether a message comes after this mark in the chat's order. */
    boolean before(MessageRecord message) {
      return message.createdAtMillis() > createTime
          || (message.createdAtMillis() == createTime
              && message.messageId().compareTo(messageId) > 0);
    }

    /** Whether this mark lies further on than {@code other}. */
    boolean after(Mark other) {
      return createTime > other.createTime
          || (createTime == other.createTime && messageId.compareTo(other.messageId) > 0);
    }

    /** {@code {"message_id","create_time"}}, as the page reads it. */
    ObjectNode toJson() {
      return Json.object().put("message_id", messageId).put("create_time", createTime);
    }

    String stored() {
      return Json.write(toJson().put("open_id", openId).put("chat_id", chatId));
    }

    /** A stored mark, or empty when the value is unreadable (it then counts as no mark at all). */
    static Optional<Mark> parse(String value) {
      JsonNode node = Json.parseOrNull(value);
      if (node == null
          || !node.path("open_id").isTextual()
          || !node.path("chat_id").isTextual()
          || !node.path("message_id").isTextual()
          || !node.path("create_time").canConvertToLong()) {
        return Optional.empty();
      }
      return Optional.of(
          new Mark(
              node.get("open_id").asText(),
              node.get("chat_id").asText(),
              node.get("message_id").asText(),
              node.get("create_time").asLong()));
    }
  }

  /**
   * A chat's unread messages for one user.
   *
   * @param count unread messages, at most {@value #COUNT_LIMIT}
   * @param newest the chat's newest message, or {@code null} for an empty chat: the count covers
   *     the chat up to it
   * @param mark the user's mark, or {@code null} when they never read the chat
   */
  record Unread(int count, MessageRecord newest, Mark mark) {}

  /**
   * Registers a listener told (on the store's writer thread, or the cluster bus's) about every mark
   * that moved.
   */
  void addListener(Consumer<Mark> listener) {
    listeners.add(listener);
  }

  static String key(String openId, String chatId) {
    return META_PREFIX + openId + "/" + chatId;
  }

  /** The user's mark in a chat; call off the event loop. */
  Optional<Mark> markOf(String openId, String chatId) {
    return store.meta(key(openId, chatId)).flatMap(Mark::parse);
  }

  /**
   * Counts a chat's unread messages: those after the mark that others sent, among the newest
   * {@value #COUNT_LIMIT} after it. Call off the event loop.
   */
  Unread unread(String openId, String chatId) {
    Mark mark = markOf(openId, chatId).orElse(null);
    long from = mark == null ? 0 : mark.createTime();
    // Newest first, from the mark's millisecond on: one more than the limit, because the mark's own
    // message is among them.
    List<MessageRecord> newest =
        store.messagesOfChat(chatId, from, Long.MAX_VALUE, false, 0, COUNT_LIMIT + 1);
    int count = 0;
    for (MessageRecord message : newest) {
      if ((mark == null || mark.before(message))
          && !message.senderId().equals(openId)
          && count < COUNT_LIMIT) {
        count++;
      }
    }
    return new Unread(count, newest.isEmpty() ? null : newest.get(0), mark);
  }

  /**
   * Moves the user's mark to {@code message} unless it already lies there or further (call off the
   * event loop).
   *
   * @return the mark now in force, once it is durable
   */
  CompletableFuture<Mark> markRead(String openId, MessageRecord message) {
    Mark wanted =
        new Mark(openId, message.chatId(), message.messageId(), message.createdAtMillis());
    synchronized (writeLock) {
      Optional<Mark> current = markOf(openId, message.chatId());
      if (current.isPresent() && !wanted.after(current.get())) {
        return CompletableFuture.completedFuture(current.get());
      }
      // Committed under the lock: batches commit in call order, so a later mark is never
      // overwritten by an earlier one.
      return store
          .commit(
              new WriteBatch(
                  List.of(),
                  List.of(),
                  List.of(),
                  Map.of(key(openId, message.chatId()), wanted.stored())))
          .thenApply(
              v -> {
                listeners.forEach(l -> l.accept(wanted));
                return wanted;
              });
    }
  }

  /** Another node moved a mark (from the cluster bus): the user's pages on this node hear of it. */
  void changedElsewhere(String value) {
    Mark.parse(value).ifPresent(mark -> listeners.forEach(l -> l.accept(mark)));
  }

  /**
   * The WebSocket frame telling a user's pages that a chat was read: {@code
   * {"type":"read","chat_id","read":{…}}}.
   */
  static String frame(Mark mark) {
    ObjectNode frame = Json.object().put("type", "read").put("chat_id", mark.chatId());
    frame.set("read", mark.toJson());
    return Json.write(frame);
  }
}
