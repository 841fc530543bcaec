package io.opencardkit.server.im;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.ApiException;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.Json;
import io.opencardkit.core.card.CardValidator;
import io.opencardkit.core.engine.CardEngine;
import io.opencardkit.core.engine.CardState;
import io.opencardkit.core.engine.CardSummary;
import io.opencardkit.core.store.CardStore;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.core.store.PendingDelivery;
import io.opencardkit.core.store.WriteBatch;
import io.opencardkit.server.cards.CardRuntime;
import io.opencardkit.server.cards.CardRuntime.CardHandle;
import io.opencardkit.server.cards.CardRuntime.Decided;
import io.opencardkit.server.directory.Chat;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.http.StrictText;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IM v1 messages: send, reply, get, list, PATCH of inline cards, and the message → card id
 * conversion.
 *
 * <p>Store reads run on the blocking executor; writes go through the store's group commit. A card
 * entity is sent by recording a {@code sent} event on the card and the message row in one batch, so
 * "sent once" survives a crash.
 */
public final class MessageService {
  private static final Logger LOG = LoggerFactory.getLogger(MessageService.class);
  static final int MAX_TEXT_BYTES = 150 * 1024;
  static final int MAX_CARD_BYTES = 30 * 1024;
  private static final long UUID_WINDOW_MILLIS = MessageRecord.UUID_WINDOW_MILLIS;
  private static final long PATCH_WINDOW_MILLIS = Duration.ofDays(14).toMillis();

  private final Supplier<Directory> directory;
  private final CardStore store;
  private final CardRuntime runtime;
  private final Executor blocking;
  private final Clock clock;
  private final MessageIds messageIds;
  private final List<MessageListener> listeners = new CopyOnWriteArrayList<>();
  private final List<MessageListener> localListeners = new CopyOnWriteArrayList<>();
  private volatile EventOutbox outbox = EventOutbox.NONE;

  public MessageService(
      Supplier<Directory> directory, CardStore store, CardRuntime runtime, Executor blocking) {
    this.directory = directory;
    this.store = store;
    this.runtime = runtime;
    this.blocking = blocking;
    this.clock = runtime.engine().clock();
    this.messageIds = new MessageIds(clock);
  }

  /**
   * Registers a listener told about every committed message (bots', users', and inline-card
   * updates), committed by this node or another node of the cluster.
   */
  public void addListener(MessageListener listener) {
    listeners.add(listener);
  }

  /**
   * Registers a listener told only about the messages this node committed (delivery to bots happens
   * once).
   */
  public void addLocalListener(MessageListener listener) {
    localListeners.add(listener);
  }

  /**
   * Makes users' messages into events for bots, stored with each message (see {@link EventOutbox}).
   */
  public void useOutbox(EventOutbox eventOutbox) {
    this.outbox = Objects.requireNonNull(eventOutbox, "eventOutbox");
  }

  /** A message another node committed (from the cluster bus). */
  public void committedElsewhere(MessageRecord record) {
    tell(listeners, record);
  }

  /**
   * Tells the listeners about a record this node committed (also recalls and edits, see
   * MessageRevisions).
   */
  void published(MessageRecord record) {
    tell(localListeners, record);
    tell(listeners, record);
  }

  private static void tell(List<MessageListener> listeners, MessageRecord record) {
    for (MessageListener listener : listeners) {
      try {
        listener.committed(record);
      } catch (RuntimeException e) {
        LOG.warn("message listener failed for {}", record.messageId(), e);
      }
    }
  }

  /** What a bot asked to send: validated type and content. */
  public record Outgoing(String msgType, String content, String uuid) {}

  /** Sends a bot's message to a user (p2p) or a chat; completes with the message JSON. */
  public CompletableFuture<ObjectNode> send(
      String appId, String receiveIdType, String receiveId, Outgoing message) {
    Chat chat = resolveReceiver(appId, receiveIdType, receiveId);
    return CompletableFuture.supplyAsync(
            () -> deliver(appId, chat.chatId(), null, message), blocking)
        .thenCompose(f -> f);
  }

  /** Replies to a message in its chat. */
  public CompletableFuture<ObjectNode> reply(String appId, String parentId, Outgoing message) {
    return CompletableFuture.supplyAsync(
            () -> {
              MessageRecord parent =
                  store
                      .message(parentId)
                      .orElseThrow(() -> new ApiException(ErrorCode.IM_MESSAGE_NOT_FOUND));
              requireMember(parent.chatId(), appId);
              MessageRevisions.requireNotRecalled(parent);
              return deliver(appId, parent.chatId(), parent, message);
            },
            blocking)
        .thenCompose(f -> f);
  }

  private Chat resolveReceiver(String appId, String receiveIdType, String receiveId) {
    Directory dir = directory.get();
    switch (receiveIdType) {
      case "open_id":
        {
          if (dir.user(receiveId).isEmpty()) {
            throw ApiException.of(
                ErrorCode.IM_INVALID_RECEIVE_ID, "no user with open_id " + receiveId);
          }
          return dir.chat(Directory.p2pChatId(appId, receiveId)).orElseThrow();
        }
      case "chat_id":
        {
          Chat chat =
              dir.chat(receiveId)
                  .orElseThrow(
                      () ->
                          ApiException.of(ErrorCode.IM_INVALID_RECEIVE_ID, "no chat " + receiveId));
          requireMember(chat.chatId(), appId);
          return chat;
        }
      default:
        throw ApiException.of(
            ErrorCode.FIELD_VALIDATION,
            "receive_id_type "
                + receiveIdType
                + " is not supported by OpenCardKit (use open_id or chat_id)");
    }
  }

  void requireMember(String chatId, String appId) {
    Chat chat =
        directory
            .get()
            .chat(chatId)
            .orElseThrow(() -> new ApiException(ErrorCode.IM_BOT_NOT_IN_CHAT));
    if (!chat.members().contains(appId)) {
      throw ApiException.of(
          ErrorCode.IM_BOT_NOT_IN_CHAT, "the bot is not a member of chat " + chatId);
    }
  }

  /**
   * Runs on the blocking executor. A send with a {@code uuid} used within the hour answers the
   * earlier message. The store claims the uuid with the message, so of two sends racing on any
   * nodes one is stored; the other's commit is refused, and it answers the message that won.
   */
  private CompletableFuture<ObjectNode> deliver(
      String appId, String chatId, MessageRecord parent, Outgoing message) {
    if (message.uuid() == null) {
      return deliverNew(appId, chatId, parent, message);
    }
    Optional<ObjectNode> earlier = earlierWithUuid(appId, message.uuid());
    if (earlier.isPresent()) {
      return CompletableFuture.completedFuture(earlier.get());
    }
    return deliverNew(appId, chatId, parent, message)
        .exceptionallyComposeAsync(
            failure ->
                earlierWithUuid(appId, message.uuid())
                    .map(CompletableFuture::completedFuture)
                    .orElseGet(() -> CompletableFuture.failedFuture(failure)),
            blocking);
  }

  /** The message the app sent with {@code uuid} within the hour, rendered; blocks. */
  private Optional<ObjectNode> earlierWithUuid(String appId, String uuid) {
    long now = clock.millis();
    return store
        .messageByUuid(appId, uuid)
        .filter(m -> now - m.createdAtMillis() < UUID_WINDOW_MILLIS)
        .map(this::renderBlocking);
  }

  private CompletableFuture<ObjectNode> deliverNew(
      String appId, String chatId, MessageRecord parent, Outgoing message) {
    long now = clock.millis();
    String cardId = cardEntityId(message);
    MessageRecord record =
        new MessageRecord(
            newMessageId(),
            chatId,
            appId,
            "app",
            message.msgType(),
            message.content(),
            cardId,
            parent == null
                ? null
                : (parent.rootId() == null ? parent.messageId() : parent.rootId()),
            parent == null ? null : parent.messageId(),
            message.uuid(),
            now,
            now);
    if (cardId == null) {
      return store
          .commit(new WriteBatch(List.of(), List.of(), List.of(record), Map.of()))
          .thenApply(
              v -> {
                published(record);
                return renderBlocking(record);
              });
    }
    CardHandle handle =
        runtime
            .findBlocking(cardId)
            .orElseThrow(
                () -> CardEngine.imCardError(200740, "The card entity does not exist: " + cardId));
    return runtime
        .write(
            handle,
            h ->
                new Decided<>(
                    List.of(
                        runtime.engine().markSent(h.state(), appId, record.messageId(), chatId)),
                    List.of(record),
                    null))
        .thenApply(
            v -> {
              published(record);
              return render(record, runtime.cached(cardId).orElse(handle));
            });
  }

  /**
   * Posts a message from a user of the directory (the web chat's composer, and forwards); completes
   * with the stored record once it is durable.
   *
   * @throws ApiException 230034 for an unknown chat, 230002 when the user is not a member,
   *     230001/230025 for content that {@link #validate} refuses
   */
  public CompletableFuture<MessageRecord> sendAsUser(
      String openId, String chatId, String msgType, String content) {
    Chat chat =
        directory
            .get()
            .chat(chatId)
            .orElseThrow(
                () -> ApiException.of(ErrorCode.IM_INVALID_RECEIVE_ID, "no chat " + chatId));
    if (!chat.members().contains(openId)) {
      throw ApiException.of(
          ErrorCode.IM_BOT_NOT_IN_CHAT, openId + " is not a member of chat " + chatId);
    }
    validate(msgType, content, null);
    long now = clock.millis();
    MessageRecord record =
        new MessageRecord(
            newMessageId(),
            chatId,
            openId,
            "user",
            msgType,
            content,
            null,
            null,
            null,
            null,
            now,
            now);
    EventOutbox events = outbox;
    List<PendingDelivery> deliveries = events.eventsFor(record);
    return store
        .commit(new WriteBatch(List.of(), List.of(), List.of(record), Map.of(), deliveries))
        .thenApply(
            v -> {
              events.committed(deliveries);
              published(record);
              return record;
            });
  }

  /** The chat-list preview of a message that does not show a card entity. */
  public static String summaryOf(MessageRecord record) {
    return MessageJson.summaryOf(record);
  }

  /** Checks a bot's message content; returns it normalised. */
  public static Outgoing validate(String msgType, String content, String uuid) {
    JsonNode parsed = Json.parseOrNull(content);
    if (parsed == null || !parsed.isObject()) {
      throw ApiException.of(
          ErrorCode.IM_INVALID_PARAM, "content must be a JSON object encoded as a string");
    }
    StrictText.requireUnicode(parsed, "content");
    int bytes = Json.utf8Length(content);
    switch (msgType) {
      case "text":
        if (!parsed.path("text").isTextual()) {
          throw ApiException.of(ErrorCode.IM_INVALID_PARAM, "text content needs a \"text\" string");
        }
        if (bytes > MAX_TEXT_BYTES) {
          throw ApiException.of(
              ErrorCode.IM_CONTENT_TOO_LONG,
              "text is " + bytes + " bytes, at most " + MAX_TEXT_BYTES);
        }
        break;
      case "post":
        if (bytes > MAX_CARD_BYTES) {
          throw ApiException.of(
              ErrorCode.IM_CONTENT_TOO_LONG,
              "post is " + bytes + " bytes, at most " + MAX_CARD_BYTES);
        }
        break;
      case "interactive":
        validateInteractive((ObjectNode) parsed, bytes);
        break;
      case "image":
        // the key is not looked up: an unknown one shows the image placeholder, as a card's unknown
        // img_key does
        if (!parsed.path("image_key").isTextual() || parsed.get("image_key").asText().isEmpty()) {
          throw ApiException.of(
              ErrorCode.IM_INVALID_PARAM,
              "image content needs an \"image_key\" string (from im/v1/images)");
        }
        break;
      default:
        throw ApiException.of(
            ErrorCode.IM_INVALID_PARAM,
            "msg_type "
                + msgType
                + " is not supported by OpenCardKit (text, post, image, interactive)");
    }
    return new Outgoing(msgType, content, uuid);
  }

  private static void validateInteractive(ObjectNode content, int bytes) {
    String type = content.path("type").asText("");
    if ("card".equals(type)) {
      if (!content.path("data").path("card_id").isTextual()) {
        throw CardEngine.imCardError(11310, "cardid is invalid: data.card_id is required");
      }
      return;
    }
    if ("template".equals(type)) {
      throw CardEngine.imCardError(
          200380,
          "template does not exist, please confirm whether this template has been released (a template card reaches here unrendered only from outside the IM API)");
    }
    if (bytes > MAX_CARD_BYTES) {
      throw ApiException.of(
          ErrorCode.IM_CONTENT_TOO_LONG, "card is " + bytes + " bytes, at most " + MAX_CARD_BYTES);
    }
    if ("2.0".equals(content.path("schema").asText(null))) {
      try {
        CardValidator.validate(content);
      } catch (ApiException e) {
        throw CardEngine.imCardError(e.code().code(), e.getMessage());
      }
    }
  }

  private static String cardEntityId(Outgoing message) {
    if (!"interactive".equals(message.msgType())) {
      return null;
    }
    JsonNode content = Json.parseOrNull(message.content());
    return "card".equals(content.path("type").asText())
        ? content.path("data").path("card_id").asText()
        : null;
  }

  /** One message as {@code {items:[message]}}. */
  public CompletableFuture<ObjectNode> get(String appId, String messageId) {
    return CompletableFuture.supplyAsync(
        () -> {
          MessageRecord record =
              store
                  .message(messageId)
                  .orElseThrow(() -> new ApiException(ErrorCode.IM_MESSAGE_NOT_FOUND));
          requireMember(record.chatId(), appId);
          ObjectNode data = Json.object();
          data.putArray("items").add(renderBlocking(record));
          return data;
        },
        blocking);
  }

  /** A page of a chat's messages. */
  public CompletableFuture<ObjectNode> list(
      String appId,
      String chatId,
      long startMillis,
      long endMillis,
      boolean ascending,
      int offset,
      int pageSize) {
    return CompletableFuture.supplyAsync(
        () -> {
          requireMember(chatId, appId);
          List<MessageRecord> page =
              store.messagesOfChat(chatId, startMillis, endMillis, ascending, offset, pageSize + 1);
          boolean hasMore = page.size() > pageSize;
          ObjectNode data = Json.object().put("has_more", hasMore);
          data.put("page_token", hasMore ? PageTokens.encode(offset + pageSize) : "");
          List<MessageRecord> shown = page.subList(0, Math.min(pageSize, page.size()));
          runtime.refreshBlocking(
              cardIdsOf(shown)); // one query for the whole page (see renderBlocking)
          shown.forEach(r -> data.withArray("items").add(renderAsIs(r)));
          if (!data.has("items")) {
            data.putArray("items");
          }
          return data;
        },
        blocking);
  }

  /**
   * Replaces the card of an inline interactive message (not of a card entity: use CardKit for
   * those).
   */
  public CompletableFuture<Void> patch(String appId, String messageId, String content) {
    Outgoing card = validate("interactive", content, null);
    if (cardEntityId(card) != null) {
      throw ApiException.of(
          ErrorCode.IM_INVALID_PARAM, "PATCH takes card JSON, not a card entity reference");
    }
    return CompletableFuture.supplyAsync(
            () -> {
              MessageRecord record =
                  store
                      .message(messageId)
                      .orElseThrow(() -> new ApiException(ErrorCode.IM_MESSAGE_NOT_FOUND));
              MessageRevisions.requireNotRecalled(record);
              if (!record.senderId().equals(appId)) {
                throw ApiException.of(
                    ErrorCode.IM_NO_PERMISSION, "only the sending bot can update this message");
              }
              if (!"interactive".equals(record.msgType()) || record.cardId() != null) {
                throw ApiException.of(
                    ErrorCode.IM_INVALID_PARAM,
                    record.cardId() != null
                        ? "this message shows card entity "
                            + record.cardId()
                            + ": update it with the CardKit API"
                        : "only interactive messages can be updated");
              }
              long now = clock.millis();
              if (now - record.createdAtMillis() > PATCH_WINDOW_MILLIS) {
                throw new ApiException(ErrorCode.IM_MESSAGE_TOO_OLD);
              }
              MessageRecord updated = record.withContent(content, now);
              return store
                  .commit(new WriteBatch(List.of(), List.of(), List.of(updated), Map.of()))
                  .thenRun(() -> published(updated));
            },
            blocking)
        .thenCompose(f -> f);
  }

  /**
   * The card entity a message shows; an inline 2.0 card becomes a card entity on first conversion.
   */
  public CompletableFuture<String> cardIdOf(String appId, String messageId) {
    return CompletableFuture.supplyAsync(
            () -> {
              MessageRecord record =
                  store
                      .message(messageId)
                      .orElseThrow(() -> new ApiException(ErrorCode.IM_MESSAGE_NOT_FOUND));
              MessageRevisions.requireNotRecalled(record);
              if (!"interactive".equals(record.msgType())) {
                throw ApiException.of(
                    ErrorCode.INVALID_PARAMETER, "message " + messageId + " is not a card message");
              }
              if (record.cardId() != null) {
                runtime
                    .findBlocking(record.cardId())
                    .ifPresent(h -> runtime.engine().checkUsable(h.state(), appId));
                return CompletableFuture.completedFuture(record.cardId());
              }
              return convertInlineCard(appId, record);
            },
            blocking)
        .thenCompose(f -> f);
  }

  private CompletableFuture<String> convertInlineCard(String appId, MessageRecord record) {
    if (!record.senderId().equals(appId)) {
      throw new ApiException(ErrorCode.NOT_CARD_OWNER);
    }
    ObjectNode card = (ObjectNode) Json.parseOrNull(record.content());
    if (!"2.0".equals(card.path("schema").asText(null))) {
      throw ApiException.of(
          ErrorCode.SCHEMA_NOT_2, "message " + record.messageId() + " holds a 1.0 card");
    }
    return runtime
        .create(appId, card)
        .thenCompose(runtime::find)
        .thenCompose(
            found -> {
              CardHandle handle = found.orElseThrow();
              String cardId = handle.state().cardId();
              MessageRecord linked =
                  new MessageRecord(
                      record.messageId(),
                      record.chatId(),
                      record.senderId(),
                      record.senderType(),
                      record.msgType(),
                      Json.write(
                          Json.object()
                              .put("type", "card")
                              .set("data", Json.object().put("card_id", cardId))),
                      cardId,
                      record.rootId(),
                      record.parentId(),
                      record.uuid(),
                      record.createdAtMillis(),
                      record.updatedAtMillis());
              return runtime.write(
                  handle,
                  h ->
                      new Decided<>(
                          List.of(
                              runtime
                                  .engine()
                                  .markSent(h.state(), appId, record.messageId(), record.chatId())),
                          List.of(linked),
                          cardId));
            });
  }

  /**
   * Renders a message, reading its card entity when it has one (may block to load the card). The
   * card is first brought up to what the store holds: with several nodes, another may have
   * acknowledged versions this one has not heard of (it died between its commit and its broadcast),
   * and a read must never show less than was acknowledged.
   */
  ObjectNode renderBlocking(MessageRecord record) {
    runtime.refreshBlocking(cardIdsOf(List.of(record)));
    return renderAsIs(record);
  }

  private static List<String> cardIdsOf(List<MessageRecord> records) {
    return records.stream()
        .map(MessageRecord::cardId)
        .filter(Objects::nonNull)
        .distinct()
        .collect(Collectors.toList());
  }

  /** Renders a message from the card as this node holds it (brought up to date by the caller). */
  private ObjectNode renderAsIs(MessageRecord record) {
    if (record.cardId() == null) {
      return MessageJson.render(record, record.content(), MessageJson.summaryOf(record));
    }
    Optional<CardHandle> handle = runtime.findBlocking(record.cardId());
    return handle.isPresent()
        ? render(record, handle.get())
        : MessageJson.render(record, record.content(), "[卡片]");
  }

  private ObjectNode render(MessageRecord record, CardHandle handle) {
    synchronized (handle) {
      CardState state = handle.state();
      String summary =
          CardSummary.of(
              state, clock.millis(), runtime.engine().limits().streamingTimeout().toMillis());
      return MessageJson.render(record, Json.write(state.card()), summary);
    }
  }

  private String newMessageId() {
    return messageIds.next();
  }
}
