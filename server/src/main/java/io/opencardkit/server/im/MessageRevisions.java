package io.opencardkit.server.im;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.ApiException;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.store.CardStore;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.core.store.WriteBatch;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A bot recalls its own message ({@code DELETE im/v1/messages/:message_id}) or edits its own text
 * or post message ({@code PUT im/v1/messages/:message_id}), as Feishu allows.
 *
 * <p>Implementation notes: a recalled message keeps its row with {@link
 * MessageRecord#RECALLED_CONTENT} as content, so lists and reads show it as recalled (Feishu keeps
 * it in place too) and every later call about it hears 230011. The number of edits of a message
 * lives in the store's key/value area, written in the same batch as the edit, so the limit of 20
 * survives restarts. Changes of one message are serialised on this node (a lock per message,
 * striped); two nodes editing the same message in the same instant may both pass the 20th edit.
 * Each change is published like a new message, so viewers see it live (a {@code message} frame for
 * a message the page holds replaces it).
 */
public final class MessageRevisions {
  /** Feishu: 「一条消息最多可编辑 20 次」. */
  static final int MAX_EDITS = 20;

  /** Keys of the edit counts in the store's key/value area: this prefix and the message id. */
  public static final String EDITS_META_PREFIX = "edits/";

  private final CardStore store;
  private final MessageService messages;
  private final Executor blocking;
  private final Clock clock;
  private final Object[] locks = new Object[64];

  public MessageRevisions(
      CardStore store, MessageService messages, Executor blocking, Clock clock) {
    this.store = store;
    this.messages = messages;
    this.blocking = blocking;
    this.clock = clock;
    for (int i = 0; i < locks.length; i++) {
      locks[i] = new Object();
    }
  }

  /** Refuses any call about a recalled message with 230011, as Feishu does. */
  static void requireNotRecalled(MessageRecord record) {
    if (record.recalled()) {
      throw ApiException.of(
          ErrorCode.IM_MESSAGE_RECALLED, "message " + record.messageId() + " was recalled");
    }
  }

  /**
   * Recalls a bot's own message; completes once the recall is durable.
   *
   * @throws ApiException (in the future) 230011 for an unknown or already recalled message, 230002
   *     when the bot is not in the chat, 230026 for another sender's message
   */
  public CompletableFuture<Void> recall(String appId, String messageId) {
    return CompletableFuture.runAsync(
        () -> {
          synchronized (lockOf(messageId)) {
            MessageRecord record =
                ownMessage(
                    appId,
                    messageId,
                    ErrorCode.IM_RECALL_NOT_ALLOWED,
                    "a bot can recall only the messages it sent");
            commit(record.recalledAt(clock.millis()), Map.of());
          }
        },
        blocking);
  }

  /**
   * The message a bot changes: it exists and is not recalled, the bot is in its chat, and the bot
   * sent it (else {@code notSender} with {@code why}).
   */
  private MessageRecord ownMessage(
      String appId, String messageId, ErrorCode notSender, String why) {
    MessageRecord record = existing(messageId);
    requireNotRecalled(record);
    messages.requireMember(record.chatId(), appId);
    if (!record.senderId().equals(appId)) {
      throw ApiException.of(notSender, why);
    }
    return record;
  }

  /**
   * Replaces the content of a bot's own text or post message; completes with the edited message as
   * Feishu answers it.
   *
   * @throws ApiException 230001 for a type other than text or post, 230025 for content over the
   *     size limits (in the future:) 230011 for an unknown or recalled message, 230002 when the bot
   *     is not in the chat, 230071 for another sender's message, 230054 for a message that is not
   *     text or post, 230072 after 20 edits
   */
  public CompletableFuture<ObjectNode> edit(
      String appId, String messageId, String msgType, String content) {
    if (!"text".equals(msgType) && !"post".equals(msgType)) {
      throw ApiException.of(
          ErrorCode.IM_INVALID_PARAM,
          "msg_type must be text or post: only those messages can be edited");
    }
    MessageService.Outgoing edited = MessageService.validate(msgType, content, null);
    return CompletableFuture.supplyAsync(
        () -> {
          synchronized (lockOf(messageId)) {
            MessageRecord record =
                ownMessage(
                    appId,
                    messageId,
                    ErrorCode.IM_NOT_SENDER,
                    "a bot can edit only the messages it sent");
            if (!"text".equals(record.msgType()) && !"post".equals(record.msgType())) {
              throw ApiException.of(
                  ErrorCode.IM_UNSUPPORTED_MESSAGE_TYPE,
                  "only text and post messages can be edited; update cards with PATCH or CardKit");
            }
            int edits = store.meta(EDITS_META_PREFIX + messageId).map(Integer::parseInt).orElse(0);
            if (edits >= MAX_EDITS) {
              throw ApiException.of(
                  ErrorCode.IM_EDIT_LIMIT,
                  "message " + messageId + " was edited " + MAX_EDITS + " times already");
            }
            MessageRecord updated =
                record.editedTo(edited.msgType(), edited.content(), clock.millis());
            commit(updated, Map.of(EDITS_META_PREFIX + messageId, Integer.toString(edits + 1)));
            return messages.renderBlocking(updated);
          }
        },
        blocking);
  }

  private MessageRecord existing(String messageId) {
    return store
        .message(messageId)
        .orElseThrow(() -> new ApiException(ErrorCode.IM_MESSAGE_NOT_FOUND));
  }

  /**
   * Commits under the message's lock (the next change reads what this one wrote), then tells the
   * viewers.
   */
  private void commit(MessageRecord record, Map<String, String> meta) {
    store.commit(new WriteBatch(List.of(), List.of(), List.of(record), meta)).join();
    messages.published(record);
  }

  private Object lockOf(String messageId) {
    return locks[Math.floorMod(messageId.hashCode(), locks.length)];
  }
}
