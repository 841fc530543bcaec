package io.opencardkit.server.im;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.ApiException;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.Json;
import io.opencardkit.core.store.CardStore;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.core.store.WriteBatch;
import io.opencardkit.server.directory.Chat;
import io.opencardkit.server.directory.Directory;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Emoji reactions on messages ({@code im/v1/messages/:message_id/reactions}). Bots add one as a
 * "typing" indicator while they stream an answer and delete it when done; the web chat shows them.
 *
 * <p>Implementation notes: a message's reactions are one JSON value in the store's key/value area
 * ({@value #META_PREFIX}{@code <message_id>}), written with the group commit like everything else.
 * A bounded cache holds the reactions of recently used messages, so the web chat can render a
 * changed message without a store read on its event loop; a message never read is taken to have
 * none (true for a new message). Changes are serialised by one lock (each is a read-modify-write of
 * one small value) and listeners hear of them after commit.
 */
public final class Reactions {
  /** Keys of the stored reactions in the store's key/value area: this prefix and the message id. */
  public static final String META_PREFIX = "reactions/";

  private static final int CACHE_SIZE = 10_000;
  private static final int MAX_PER_MESSAGE = 200;
  private static final Pattern EMOJI_TYPE = Pattern.compile("[A-Za-z0-9_]{1,50}");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final TypeReference<List<Reaction>> LIST = new TypeReference<>() {};

  private final Supplier<Directory> directory;
  private final CardStore store;
  private final Executor blocking;
  private final Clock clock;
  private final Object writeLock = new Object();
  private final Map<String, List<Reaction>> cache =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<Reaction>> eldest) {
          return size() > CACHE_SIZE;
        }
      };
  private final List<Consumer<MessageRecord>> listeners = new CopyOnWriteArrayList<>();

  private final boolean sharedStore;

  /** Reactions of a node that is the only writer of its store. */
  public Reactions(Supplier<Directory> directory, CardStore store, Executor blocking, Clock clock) {
    this(directory, store, blocking, clock, false);
  }

  /**
   * @param sharedStore whether other nodes change reactions in the same store: then a change starts
   *     from the stored value, not from this node's cache, which another node's change may have
   *     made stale
   */
  public Reactions(
      Supplier<Directory> directory,
      CardStore store,
      Executor blocking,
      Clock clock,
      boolean sharedStore) {
    this.directory = directory;
    this.store = store;
    this.blocking = blocking;
    this.clock = clock;
    this.sharedStore = sharedStore;
  }

  /** Another node changed a message's reactions (from the cluster bus); call off the event loop. */
  public void changedElsewhere(String messageId, String json) {
    List<Reaction> now = read(json);
    synchronized (cache) {
      cache.put(messageId, now);
    }
    store.message(messageId).ifPresent(message -> listeners.forEach(l -> l.accept(message)));
  }

  /** The reactions a change starts from. */
  private List<Reaction> current(String messageId) {
    if (!sharedStore) {
      return loadBlocking(messageId);
    }
    List<Reaction> stored =
        store.meta(META_PREFIX + messageId).map(Reactions::read).orElse(List.of());
    synchronized (cache) {
      cache.put(messageId, stored);
    }
    return stored;
  }

  /**
   * Registers a listener told (on the store's writer thread, after commit) about a message whose
   * reactions changed.
   */
  public void addListener(Consumer<MessageRecord> listener) {
    listeners.add(listener);
  }

  /**
   * The reactions of a message if known without a store read; a message never read counts as having
   * none.
   */
  public List<Reaction> cached(String messageId) {
    synchronized (cache) {
      return cache.getOrDefault(messageId, List.of());
    }
  }

  /** The reactions of a message, read from the store when not cached; call off the event loop. */
  public List<Reaction> loadBlocking(String messageId) {
    synchronized (cache) {
      List<Reaction> known = cache.get(messageId);
      if (known != null) {
        return known;
      }
    }
    List<Reaction> stored =
        store.meta(META_PREFIX + messageId).map(Reactions::read).orElse(List.of());
    synchronized (cache) {
      return cache.computeIfAbsent(messageId, k -> stored);
    }
  }

  /** Adds a reaction of the app; adding the same emoji again answers the existing reaction. */
  public CompletableFuture<ObjectNode> add(String appId, String messageId, String emojiType) {
    if (emojiType == null || !EMOJI_TYPE.matcher(emojiType).matches()) {
      throw ApiException.of(
          ErrorCode.REACTION_TYPE_INVALID, "emoji_type " + emojiType + " is not an emoji key");
    }
    return CompletableFuture.supplyAsync(
            () -> {
              MessageRecord message = visibleMessage(appId, messageId);
              synchronized (writeLock) {
                List<Reaction> current = current(messageId);
                for (Reaction r : current) {
                  if (r.operatorId().equals(appId) && r.emojiType().equals(emojiType)) {
                    return CompletableFuture.completedFuture(r.toApi());
                  }
                }
                if (current.size() >= MAX_PER_MESSAGE) {
                  throw ApiException.of(
                      ErrorCode.REACTION_TYPE_INVALID,
                      "a message holds at most " + MAX_PER_MESSAGE + " reactions");
                }
                Reaction added =
                    new Reaction(newReactionId(), emojiType, appId, "app", clock.millis());
                List<Reaction> next = new ArrayList<>(current);
                next.add(added);
                return write(message, next).thenApply(v -> added.toApi());
              }
            },
            blocking)
        .thenCompose(f -> f);
  }

  /** Deletes one of the app's reactions. */
  public CompletableFuture<ObjectNode> remove(String appId, String messageId, String reactionId) {
    return CompletableFuture.supplyAsync(
            () -> {
              MessageRecord message = visibleMessage(appId, messageId);
              synchronized (writeLock) {
                List<Reaction> current = current(messageId);
                Reaction found =
                    current.stream()
                        .filter(r -> r.reactionId().equals(reactionId))
                        .findFirst()
                        .orElse(null);
                if (found == null) {
                  throw ApiException.of(
                      ErrorCode.REACTION_NOT_OF_MESSAGE,
                      "no reaction " + reactionId + " on message " + messageId);
                }
                if (!found.operatorId().equals(appId)) {
                  throw new ApiException(ErrorCode.REACTION_NOT_OWN);
                }
                List<Reaction> next = new ArrayList<>(current);
                next.remove(found);
                return write(message, next).thenApply(v -> found.toApi());
              }
            },
            blocking)
        .thenCompose(f -> f);
  }

  /** A page of a message's reactions, oldest first, optionally of one emoji type. */
  public CompletableFuture<ObjectNode> list(
      String appId, String messageId, String emojiType, String pageToken, int pageSize) {
    int offset;
    try {
      offset = PageTokens.decode(pageToken);
    } catch (ApiException e) {
      throw new ApiException(ErrorCode.REACTION_PAGE_TOKEN_INVALID);
    }
    return CompletableFuture.supplyAsync(
        () -> {
          visibleMessage(appId, messageId);
          List<Reaction> all = new ArrayList<>();
          for (Reaction r : current(messageId)) {
            if (emojiType == null || emojiType.isEmpty() || r.emojiType().equals(emojiType)) {
              all.add(r);
            }
          }
          ObjectNode data = Json.object();
          ArrayNode items = data.putArray("items");
          all.stream().skip(offset).limit(pageSize).forEach(r -> items.add(r.toApi()));
          boolean more = offset + pageSize < all.size();
          data.put("has_more", more)
              .put("page_token", more ? PageTokens.encode(offset + pageSize) : "");
          return data;
        },
        blocking);
  }

  private MessageRecord visibleMessage(String appId, String messageId) {
    MessageRecord message =
        store
            .message(messageId)
            .filter(m -> !m.recalled())
            .orElseThrow(() -> new ApiException(ErrorCode.REACTION_MESSAGE_NOT_FOUND));
    Chat chat = directory.get().chat(message.chatId()).orElse(null);
    if (chat == null || !chat.members().contains(appId)) {
      throw ApiException.of(
          ErrorCode.REACTION_NO_PERMISSION, "the bot is not a member of chat " + message.chatId());
    }
    return message;
  }

  /** Call with the write lock held: the cache changes now, in the order the commits are queued. */
  private CompletableFuture<Void> write(MessageRecord message, List<Reaction> next) {
    List<Reaction> frozen = List.copyOf(next);
    synchronized (cache) {
      cache.put(message.messageId(), frozen);
    }
    String value = Json.write(Json.MAPPER.valueToTree(frozen));
    return store
        .commit(
            new WriteBatch(
                List.of(), List.of(), List.of(), Map.of(META_PREFIX + message.messageId(), value)))
        .whenComplete(
            (v, failure) -> {
              if (failure != null) {
                synchronized (cache) {
                  cache.remove(message.messageId()); // read what is really stored next time
                }
              } else {
                listeners.forEach(l -> l.accept(message));
              }
            });
  }

  private static List<Reaction> read(String json) {
    try {
      return List.copyOf(Json.MAPPER.readValue(json, LIST));
    } catch (java.io.IOException e) {
      return List.of(); // an unreadable value shows no reactions rather than failing the chat
    }
  }

  private static String newReactionId() {
    byte[] b = new byte[24];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
