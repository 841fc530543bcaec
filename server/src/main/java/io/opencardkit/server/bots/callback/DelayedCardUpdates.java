package io.opencardkit.server.bots.callback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.ApiException;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.Json;
import io.opencardkit.core.store.CardStore;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.core.store.WriteBatch;
import io.opencardkit.server.bots.BotDispatcher;
import io.opencardkit.server.cards.CardRuntime;
import io.opencardkit.server.cards.CardRuntime.CardHandle;
import io.opencardkit.server.im.MessageService;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * The delayed card update ({@code POST /open-apis/interactive/v1/card/update}): with the {@code
 * token} of a card callback, the bot that answered it replaces the card of that message, within 30
 * minutes, at most twice, and only after the callback was answered.
 *
 * <p>Implementation notes: a token becomes usable when its callback was answered in time with a
 * usable body (then {@link #settled} stores it in the store's key/value area, so every node and a
 * restarted one accept it). An update that arrives while its callback is still being answered on
 * this node waits for the answer first: Feishu warns that an update made before the answer fails or
 * is undone by it, and waiting gives the bot the order it meant. The use count is read and written
 * under a lock per token on this node; two nodes using one token in the same instant may both pass
 * the second use.
 */
public final class DelayedCardUpdates {
  /** Feishu: 「token 有效期为 30 分钟」. */
  static final Duration TOKEN_LIFETIME = Duration.ofMinutes(30);

  /** Feishu: 「同一个 token 只能使用 2 次」. */
  static final int MAX_USES = 2;

  /** Keys of usable tokens in the store's key/value area: this prefix and the token. */
  public static final String META_PREFIX = "card-update-token/";

  /**
   * What this server issues ({@code c-} and 32 hex digits); Feishu's tokens start with {@code c-}
   * too.
   */
  private static final Pattern TOKEN = Pattern.compile("c-[0-9a-zA-Z_-]{1,200}");

  private static final int MAX_CARD_BYTES = 30 * 1024;

  private final CardStore store;
  private final CardRuntime runtime;
  private final MessageService messages;
  private final Executor blocking;
  private final Clock clock;

  /**
   * Tokens whose callback is being answered on this node: completes with whether the bot answered.
   */
  private final Map<String, CompletableFuture<Boolean>> inFlight = new ConcurrentHashMap<>();

  private final Object[] locks = new Object[64];

  public DelayedCardUpdates(
      CardStore store,
      CardRuntime runtime,
      MessageService messages,
      Executor blocking,
      Clock clock) {
    this.store = store;
    this.runtime = runtime;
    this.messages = messages;
    this.blocking = blocking;
    this.clock = clock;
    for (int i = 0; i < locks.length; i++) {
      locks[i] = new Object();
    }
  }

  /** A callback carrying {@code token} is about to leave for the bot (its 30 minutes start now). */
  void issued(String token) {
    inFlight.put(token, new CompletableFuture<>());
  }

  /**
   * The callback of {@code token}, issued at {@code issuedAtMillis}, ended: when the bot answered
   * it ({@code answered}), the token becomes usable for the bot that sent the card of {@code
   * messageId}. Completes once that is durable.
   */
  CompletableFuture<Void> settled(
      String token, long issuedAtMillis, boolean answered, String appId, String messageId) {
    CompletableFuture<Void> stored =
        answered
            ? store.commit(
                new WriteBatch(
                    List.of(),
                    List.of(),
                    List.of(),
                    Map.of(
                        META_PREFIX + token, Grant.of(appId, messageId, issuedAtMillis, 0).json())))
            : CompletableFuture.completedFuture(null);
    return stored.whenComplete(
        (v, failure) -> {
          CompletableFuture<Boolean> waiting = inFlight.remove(token);
          if (waiting != null) {
            waiting.complete(answered && failure == null);
          }
        });
  }

  /**
   * Replaces the card of the token's message with {@code card}; completes once durable.
   *
   * @throws ApiException 300020 for a malformed token, 10002 without a card, 100000 for a card over
   *     30 KB (in the future:) 300030 for a token not issued, not answered or older than 30
   *     minutes, 300040 after two updates, 200310 for another app's card, 200000 for a recalled
   *     message, 11311 for a card that is refused
   */
  public CompletableFuture<Void> update(String appId, String token, JsonNode card) {
    if (token == null || !TOKEN.matcher(token).matches()) {
      throw ApiException.of(
          ErrorCode.DELAYED_UPDATE_TOKEN_FORMAT,
          "token must look like c-xxxx (the callback's event.token)");
    }
    if (!(card instanceof ObjectNode) || card.isEmpty()) {
      throw ApiException.of(
          ErrorCode.INVALID_PARAMETER, "card is required and must be a card JSON object");
    }
    ObjectNode shown = ((ObjectNode) card).deepCopy();
    shown.remove(
        "open_ids"); // every card is shared here: the update is for everyone who sees the message
    int bytes = Json.utf8Length(Json.write(shown));
    if (bytes > MAX_CARD_BYTES) {
      throw ApiException.of(
          ErrorCode.DELAYED_UPDATE_CARD_TOO_LARGE,
          "card is " + bytes + " bytes, at most " + MAX_CARD_BYTES);
    }
    return CompletableFuture.supplyAsync(() -> reserve(appId, token), blocking)
        .thenCompose(
            message ->
                apply(appId, message, shown)
                    .exceptionallyCompose(refusal -> giveBack(token, refusal)));
  }

  /**
   * Checks the token and counts one use of it; returns the message whose card it updates. Blocks.
   */
  private MessageRecord reserve(String appId, String token) {
    awaitAnswer(token);
    synchronized (lockOf(token)) {
      Grant grant =
          store
              .meta(META_PREFIX + token)
              .map(Grant::parse)
              .orElseThrow(
                  () ->
                      ApiException.of(
                          ErrorCode.DELAYED_UPDATE_TOKEN_INVALID,
                          "unknown token: use the token of a callback the bot has answered"));
      if (clock.millis() >= grant.issuedAt() + TOKEN_LIFETIME.toMillis()) {
        throw ApiException.of(
            ErrorCode.DELAYED_UPDATE_TOKEN_INVALID,
            "the token expired 30 minutes after its callback");
      }
      if (grant.uses() >= MAX_USES) {
        throw ApiException.of(
            ErrorCode.DELAYED_UPDATE_TOKEN_USED_UP,
            "a token updates a card at most " + MAX_USES + " times");
      }
      if (!grant.appId().equals(appId)) {
        throw ApiException.of(
            ErrorCode.DELAYED_UPDATE_OTHER_APP, "the card of this token was sent by another app");
      }
      MessageRecord message =
          store
              .message(grant.messageId())
              .orElseThrow(
                  () ->
                      ApiException.of(
                          ErrorCode.DELAYED_UPDATE_TOKEN_INVALID,
                          "the message of this token is gone"));
      if (message.recalled()) {
        throw new ApiException(ErrorCode.DELAYED_UPDATE_MESSAGE_RECALLED);
      }
      writeGrant(token, grant.withUses(grant.uses() + 1));
      return message;
    }
  }

  /** A refused update does not use up the token: the bot may correct its card and try again. */
  private CompletableFuture<Void> giveBack(String token, Throwable refusal) {
    return CompletableFuture.runAsync(
            () -> {
              synchronized (lockOf(token)) {
                store
                    .meta(META_PREFIX + token)
                    .map(Grant::parse)
                    .ifPresent(g -> writeGrant(token, g.withUses(Math.max(0, g.uses() - 1))));
              }
            },
            blocking)
        .handle(
            (v, failure) -> {
              throw refusal instanceof CompletionException
                  ? (CompletionException) refusal
                  : new CompletionException(refusal);
            });
  }

  private CompletableFuture<Void> apply(String appId, MessageRecord message, ObjectNode card) {
    CompletableFuture<Void> applied;
    try {
      if (message.cardId() != null) {
        CardHandle handle =
            runtime
                .findCurrentBlocking(message.cardId())
                .orElseThrow(
                    () ->
                        ApiException.of(
                            ErrorCode.DELAYED_UPDATE_TOKEN_INVALID,
                            "the card of this token is gone"));
        applied = runtime.applyDelayedCard(handle, appId, card);
      } else {
        applied = messages.patch(appId, message.messageId(), Json.write(card));
      }
    } catch (ApiException e) {
      applied = CompletableFuture.failedFuture(e);
    }
    return applied.exceptionallyCompose(
        failure -> CompletableFuture.failedFuture(asCardRefusal(failure)));
  }

  /** The card was refused by the card's own rules: Feishu answers 11311 with the reason. */
  private static Throwable asCardRefusal(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof ApiException
        && ((ApiException) cause).code().code() != ErrorCode.DELAYED_UPDATE_TOKEN_INVALID.code()) {
      ApiException e = (ApiException) cause;
      return ApiException.of(
          ErrorCode.DELAYED_UPDATE_CARD_INVALID,
          "ErrCode: " + e.code().code() + "; ErrMsg: " + e.getMessage());
    }
    return cause;
  }

  private void awaitAnswer(String token) {
    CompletableFuture<Boolean> waiting = inFlight.get(token);
    if (waiting == null) {
      return;
    }
    try {
      waiting.get(BotDispatcher.DEADLINE.toMillis() + 2000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // decided below from what the store holds
    }
  }

  private void writeGrant(String token, Grant grant) {
    store
        .commit(
            new WriteBatch(
                List.of(), List.of(), List.of(), Map.of(META_PREFIX + token, grant.json())))
        .join();
  }

  private Object lockOf(String token) {
    return locks[Math.floorMod(token.hashCode(), locks.length)];
  }

  /**
   * A usable token as stored: whose card, which message, when its callback was answered, how often
   * it was used.
   */
  record Grant(String appId, String messageId, long issuedAt, int uses) {
    static Grant of(String appId, String messageId, long issuedAt, int uses) {
      return new Grant(appId, messageId, issuedAt, uses);
    }

    static Grant parse(String json) {
      JsonNode node = Json.parseOrNull(json);
      return new Grant(
          node.path("app_id").asText(),
          node.path("message_id").asText(),
          node.path("issued_at").asLong(),
          node.path("uses").asInt());
    }

    Grant withUses(int n) {
      return new Grant(appId, messageId, issuedAt, n);
    }

    String json() {
      return Json.write(
          Json.object()
              .put("app_id", appId)
              .put("message_id", messageId)
              .put("issued_at", issuedAt)
              .put("uses", uses));
    }
  }
}
