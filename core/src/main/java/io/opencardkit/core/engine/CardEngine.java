package io.opencardkit.core.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.ApiException;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.Json;
import io.opencardkit.core.card.CardValidator;
import io.opencardkit.core.card.ElementTree;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The card state machine: decides whether a bot's call is accepted and which events it produces.
 *
 * <p>Implementation notes: checks run in the order Feishu's error tables suggest: expiry (200750),
 * owner (300311), idempotency (200770 or a replay), the per-card rate limit outside streaming
 * (99991400), sequence (300317), then the operation's own rules. Structural changes are tried on a
 * copy of the card and validated as a whole before anything is applied, so a refused call never
 * leaves a partial change. Time comes only from the injected {@link Clock}.
 */
public final class CardEngine {
  private final Clock clock;
  private final CardLimits limits;

  public CardEngine(Clock clock, CardLimits limits) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  public CardLimits limits() {
    return limits;
  }

  /** The wall clock the engine reads, so adapters stamp records with the same time. */
  public Clock clock() {
    return clock;
  }

  /**
   * Validates a new card and returns its creation event (version 1). The caller builds a {@link
   * CardState} and applies it.
   *
   * @throws ApiException when the card JSON is refused
   */
  public CardEvent create(String cardId, String appId, ObjectNode card) {
    CardValidator.validate(card);
    ObjectNode payload = Json.object();
    payload.set("card", card);
    return new CardEvent(
        cardId, 1, EventType.CREATED, clock.millis(), appId, 0, null, null, payload);
  }

  /** Refuses use of a card by another app or after its lifetime. */
  public void checkUsable(CardState state, String appId) {
    long now = clock.millis();
    if (now >= state.createdAtMillis() + limits.lifetime().toMillis()) {
      throw new ApiException(ErrorCode.CARD_EXPIRED);
    }
    if (!state.appId().equals(appId)) {
      throw new ApiException(ErrorCode.NOT_CARD_OWNER);
    }
  }

  /**
   * Records that the card was sent as a message; a card entity is sent once.
   *
   * @throws ApiException 300311 for another app, 230099 when expired or already sent
   */
  public CardEvent markSent(CardState state, String appId, String messageId, String chatId) {
    try {
      checkUsable(state, appId);
    } catch (ApiException e) {
      if (e.code() == ErrorCode.NOT_CARD_OWNER) {
        throw e;
      }
      throw imCardError(e.code().code(), e.getMessage());
    }
    if (state.sentMessageId() != null) {
      throw imCardError(
          11310, "cardid is invalid: card entity " + state.cardId() + " was already sent");
    }
    ObjectNode payload = Json.object().put("message_id", messageId).put("chat_id", chatId);
    CardEvent event =
        new CardEvent(
            state.cardId(),
            state.version() + 1,
            EventType.SENT,
            clock.millis(),
            appId,
            0,
            null,
            null,
            payload);
    state.apply(event);
    return event;
  }

  /** The IM wrapper Feishu uses for card problems met while sending a message. */
  public static ApiException imCardError(int subCode, @Nullable String subMessage) {
    return new ApiException(
        ErrorCode.IM_CARD_CONTENT_FAILED,
        "Failed to create card content, ext=ErrCode: "
            + subCode
            + "; ErrMsg: "
            + subMessage
            + "; ");
  }

  /**
   * Switches streaming off when its window has run out: called by the server's periodic sweep and
   * by the first mutation after the deadline. The card remembers the timeout until a content call
   * has heard 200850 about it. Returns the event, already applied, or empty.
   */
  public Optional<CardEvent> expireStreaming(CardState state) {
    long closesAt = state.streamingOpenedAtMillis() + limits.streamingTimeout().toMillis();
    if (!state.streamingMode() || clock.millis() < closesAt) {
      return Optional.empty();
    }
    CardEvent event =
        new CardEvent(
            state.cardId(),
            state.version() + 1,
            EventType.STREAMING_TIMED_OUT,
            closesAt,
            null,
            0,
            null,
            null,
            Json.object());
    state.apply(event);
    return Optional.of(event);
  }

  /**
   * Decides a mutation and applies what it produces to {@code state}. While a user's interaction
   * with the card is being answered by the bot (see {@link #startInteraction}) every mutation is
   * refused with 200810, after the owner and uuid checks (a replay of an already applied request
   * still succeeds) and before the rate limit and sequence checks (a refused call consumes
   * nothing).
   */
  public Outcome execute(CardState state, Mutation m) {
    long now = clock.millis();
    List<CardEvent> events = new ArrayList<>(2);
    try {
      checkUsable(state, m.appId());
      if (m.uuid() != null) {
        String earlier = state.fingerprintOf(m.uuid());
        if (earlier != null) {
          if (earlier.equals(m.fingerprint())) {
            return new Outcome(List.of(), null, true);
          }
          throw ApiException.of(
              ErrorCode.UUID_CONFLICT, "uuid " + m.uuid() + " was used for a different request");
        }
      }
      if (state.interactionLocked(now)) {
        throw ApiException.of(
            ErrorCode.CARD_IN_INTERACTION,
            "a user's interaction with card " + state.cardId() + " is being answered by the bot");
      }
      checkRate(state, now);
      if (m.sequence() <= state.lastSequence()) {
        throw ApiException.of(
            ErrorCode.SEQUENCE_NOT_INCREASING,
            "sequence " + m.sequence() + " is not greater than " + state.lastSequence());
      }
      expireStreaming(state).ifPresent(events::add);
      ObjectNode payload;
      EventType type;
      if (m.kind() == Mutation.Kind.CONTENT) {
        payload = decideContent(state, m.payload());
        type = payload.has("offset") ? EventType.CONTENT_APPENDED : EventType.CONTENT_REPLACED;
      } else {
        payload = decideStructural(state, m);
        type = m.kind().eventType();
      }
      CardEvent event =
          new CardEvent(
              state.cardId(),
              state.version() + 1,
              type,
              now,
              m.appId(),
              m.sequence(),
              m.uuid(),
              m.fingerprint(),
              payload);
      state.apply(event);
      events.add(event); // applying it counted it for the rate limit: it carries a sequence
      return new Outcome(events, null, false);
    } catch (ApiException refusal) {
      return new Outcome(events, refusal, false);
    }
  }

  /**
   * Records that a user's interaction was handed to the bot: until it ends ({@link
   * #endInteraction}) or {@code untilMillis} passes, CardKit calls are refused with 200810.
   * Interactions of several users overlap: the card stays locked until all of them ended. The lock
   * is an event like any other change, so every node that accepts calls for the card sees it.
   * Returns the event, already applied.
   */
  public CardEvent startInteraction(CardState state, long untilMillis) {
    ObjectNode payload = Json.object().put("until", untilMillis);
    CardEvent event =
        new CardEvent(
            state.cardId(),
            state.version() + 1,
            EventType.INTERACTION_STARTED,
            clock.millis(),
            null,
            0,
            null,
            null,
            payload);
    state.apply(event);
    return event;
  }

  /**
   * Ends one interaction in flight; returns the event, already applied, or empty when none was in
   * flight.
   */
  public Optional<CardEvent> endInteraction(CardState state) {
    if (state.interactionsInFlight() == 0) {
      return Optional.empty();
    }
    CardEvent event =
        new CardEvent(
            state.cardId(),
            state.version() + 1,
            EventType.INTERACTION_ENDED,
            clock.millis(),
            null,
            0,
            null,
            null,
            Json.object());
    state.apply(event);
    return Optional.of(event);
  }

  /**
   * Replaces the card with the one a bot answered a card callback with. The event carries no
   * sequence, so the bot's sequence counter is untouched (its next CardKit call goes on from where
   * it was), and it is neither rate limited nor subject to the interaction lock (it is what ends
   * the interaction). Returns the event, already applied.
   *
   * @throws ApiException 300311 for another app, 200750 after the card's lifetime, 300303 for a
   *     card that is not schema 2.0 (a 2.0 card cannot become a 1.0 card), {@link
   *     ErrorCode#INVALID_PARAMETER} while the card streams (Feishu applies no callback card to a
   *     streaming card: close streaming first), and the validator's codes for a refused card
   *     (200220, 200860, 300305, …)
   */
  public CardEvent replaceFromCallback(CardState state, String appId, ObjectNode card) {
    long now = clock.millis();
    checkUsable(state, appId);
    if (state.isStreaming(now, limits.streamingTimeout().toMillis())) {
      throw ApiException.of(
          ErrorCode.INVALID_PARAMETER,
          "card " + state.cardId() + " is streaming; a callback response cannot update it");
    }
    if (!"2.0".equals(card.path("schema").asText(null))) {
      throw ApiException.of(
          ErrorCode.SCHEMA_NOT_2, "a schema 2.0 card cannot be updated to another schema");
    }
    CardValidator.validate(card);
    ObjectNode payload = Json.object();
    payload.set("card", card);
    CardEvent event =
        new CardEvent(
            state.cardId(),
            state.version() + 1,
            EventType.REPLACED,
            now,
            appId,
            0,
            null,
            null,
            payload);
    state.apply(event);
    return event;
  }

  private void checkRate(CardState state, long now) {
    state.forgetOperationsBefore(now - CardState.RATE_WINDOW_MILLIS);
    ArrayDeque<Long> recent = state.recentOperationMillis();
    // Streaming cards are exempt: the guide promises no QPS limit while streaming mode is on.
    if (state.isStreaming(now, limits.streamingTimeout().toMillis())) {
      return;
    }
    if (recent.size() >= limits.operationsPerSecond()) {
      throw ApiException.of(
          ErrorCode.RATE_LIMITED,
          "card "
              + state.cardId()
              + " allows "
              + limits.operationsPerSecond()
              + " operations per second outside streaming mode");
    }
  }

  private ObjectNode decideContent(CardState state, ObjectNode request) {
    String elementId = request.get("element_id").asText();
    String content = request.get("content").asText();
    ObjectNode target = ElementTree.streamTarget(state.card(), elementId);
    if (!state.streamingMode()) {
      // The first content call after a timeout hears 200850, later ones 300309, as on Feishu. The
      // mark is kept on the
      // state, not taken from this call, because the server's timer usually closes the window
      // before any call does.
      throw new ApiException(
          state.takeUnreportedTimeout() ? ErrorCode.STREAMING_TIMEOUT : ErrorCode.STREAMING_CLOSED);
    }
    if (content.length() > limits.maxContentChars()) {
      throw ApiException.of(
          ErrorCode.INVALID_PARAMETER,
          "content has " + content.length() + " characters, at most " + limits.maxContentChars());
    }
    String old = ElementTree.content(target);
    boolean appends = content.startsWith(old);
    int newBytes = state.cardBytes() + jsonGrowth(old, content, appends);
    if (newBytes > CardValidator.MAX_CARD_BYTES) {
      throw ApiException.of(
          ErrorCode.CARD_TOO_LARGE,
          "card would be " + newBytes + " bytes, at most " + CardValidator.MAX_CARD_BYTES);
    }
    ObjectNode payload = Json.object().put("element_id", elementId);
    if (appends) {
      payload.put("offset", old.length()).put("text", content.substring(old.length()));
    } else {
      payload.put("text", content);
    }
    return payload;
  }

  /**
   * Bytes the card JSON gains when {@code content} replaces {@code old}, measured as the text is
   * written in the card (escapes included): raw UTF-8 would let text full of newlines and quotes
   * push the stored card past the 30 KB limit, after which every other change, even closing
   * streaming, is refused with 200860. The measure is additive per character, so an append measures
   * only its suffix (most of a streamed text is the shared prefix).
   */
  static int jsonGrowth(String old, String content, boolean appends) {
    if (appends) {
      return Json.jsonStringUtf8Length(content.subSequence(old.length(), content.length()));
    }
    return Json.jsonStringUtf8Length(content) - Json.jsonStringUtf8Length(old);
  }

  private ObjectNode decideStructural(CardState state, Mutation m) {
    ObjectNode trial = state.card().deepCopy();
    ObjectNode payload = m.payload();
    if (m.kind() == Mutation.Kind.REPLACE) {
      trial = (ObjectNode) payload.get("card");
    } else if (m.kind() == Mutation.Kind.SETTINGS) {
      CardOperations.applySettings(trial, payload);
    } else {
      if (m.kind() == Mutation.Kind.ADD_ELEMENTS || m.kind() == Mutation.Kind.UPDATE_ELEMENT) {
        validateNewComponents(payload);
      }
      CardOperations.applyStructural(trial, m.kind().eventType(), payload);
    }
    CardValidator.validate(trial);
    return payload;
  }

  private static void validateNewComponents(ObjectNode payload) {
    if (payload.has("elements")) {
      payload.get("elements").forEach(CardValidator::validateComponent);
    }
    if (payload.has("element")) {
      CardValidator.validateComponent(payload.get("element"));
    }
  }
}
