package io.opencardkit.core.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.Json;
import io.opencardkit.core.card.ElementTree;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The current state of one card entity: its JSON, its counters and its streaming window.
 *
 * <p>Implementation notes: the state changes only through {@link #apply(CardEvent)}, so replaying
 * the stored log after a restart rebuilds exactly the state that was acknowledged. It is not
 * thread-safe: the runtime keeps one writer per card. Two fields are not persisted in snapshots:
 * the rate-limit window (it concerns the last second only, and is rebuilt from the events applied,
 * whichever node accepted them) and whether a timeout was already reported (a hint for the choice
 * between two "streaming is over" codes).
 */
public final class CardState {
  /** How many idempotency ids a card remembers; older ones are forgotten first. */
  static final int MAX_REMEMBERED_UUIDS = 4096;

  /** The per-card rate limit counts the operations of the last second. */
  static final long RATE_WINDOW_MILLIS = 1000;

  private final String cardId;
  private String appId = ""; // "" until the creation event is applied
  private long createdAtMillis;
  private ObjectNode card = Json.object();
  private long version; // 0 until the creation event is applied
  private int lastSequence; // 0 until the first accepted operation that carries a sequence
  private long streamingOpenedAtMillis; // meaningful only while config.streaming_mode is true
  private @Nullable String sentMessageId; // null until the card is sent
  private @Nullable String sentChatId;
  private long sentVersion; // the SENT event's version; 0 before it, or from a snapshot without it
  private final LinkedHashMap<String, String> uuidFingerprints =
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > MAX_REMEMBERED_UUIDS;
        }
      };
  private final ArrayDeque<Long> recentOperationMillis = new ArrayDeque<>();
  private int cardBytes = -1; // -1 when it must be recomputed
  // true from a streaming timeout until a content call hears 200850 or it reopens
  private boolean timeoutUnreported;
  private int interactionsInFlight; // users' interactions handed to the bot and not ended yet
  private long interactionLockedUntil = Long.MIN_VALUE; // meaningful while interactionsInFlight > 0

  public CardState(String cardId) {
    this.cardId = cardId;
  }

  /** Applies an accepted event. Events must come in version order. */
  public void apply(CardEvent event) {
    if (event.version() != version + 1) {
      throw new IllegalStateException(
          "card " + cardId + ": event version " + event.version() + " does not follow " + version);
    }
    boolean wasStreaming = streamingMode();
    ObjectNode p = event.payload();
    switch (event.type()) {
      case CREATED:
        String creator = event.appId();
        appId = creator == null ? "" : creator;
        createdAtMillis = event.atMillis();
        replaceCard((ObjectNode) p.get("card").deepCopy());
        break;
      case REPLACED:
        replaceCard((ObjectNode) p.get("card").deepCopy());
        break;
      case SETTINGS:
        CardOperations.applySettings(card, p);
        cardBytes = -1;
        break;
      case ELEMENTS_ADDED:
      case ELEMENT_UPDATED:
      case ELEMENT_PATCHED:
      case ELEMENTS_DELETED:
      case BATCH:
        CardOperations.applyStructural(card, event.type(), p);
        cardBytes = -1;
        break;
      case CONTENT_APPENDED:
        {
          ObjectNode text = ElementTree.streamTarget(card, p.get("element_id").asText());
          String old = ElementTree.content(text);
          String suffix = p.get("text").asText();
          ElementTree.setContent(text, old.substring(0, p.get("offset").asInt()) + suffix);
          adjustBytes(Json.jsonStringUtf8Length(suffix));
          break;
        }
      case CONTENT_REPLACED:
        {
          ObjectNode text = ElementTree.streamTarget(card, p.get("element_id").asText());
          String old = ElementTree.content(text);
          String now = p.get("text").asText();
          ElementTree.setContent(text, now);
          adjustBytes(Json.jsonStringUtf8Length(now) - Json.jsonStringUtf8Length(old));
          break;
        }
      case STREAMING_TIMED_OUT:
        config().put("streaming_mode", false);
        timeoutUnreported = true;
        break;
      case SENT:
        sentMessageId = p.get("message_id").asText();
        sentChatId = p.path("chat_id").asText(null);
        sentVersion = event.version();
        break;
      case INTERACTION_STARTED:
        startInteraction(event.atMillis(), p.get("until").asLong());
        break;
      case INTERACTION_ENDED:
        if (interactionsInFlight > 0 && --interactionsInFlight == 0) {
          interactionLockedUntil = Long.MIN_VALUE;
        }
        break;
      default:
        throw new IllegalStateException("unhandled event type " + event.type());
    }
    if (!wasStreaming && streamingMode()) {
      streamingOpenedAtMillis = event.atMillis();
      timeoutUnreported = false;
    }
    if (event.sequence() > 0) {
      lastSequence = event.sequence();
      // Only a bot's CardKit operation carries a sequence. One accepted while streaming mode was on
      // is exempt for
      // good: the guide says such calls 「不会触发接口的频率限制」, so closing streaming must not turn a burst
      // of
      // streamed updates into a 429 for the next call (the call that closes streaming was itself
      // made in streaming).
      if (!wasStreaming) {
        countOperation(event.atMillis());
      }
    }
    if (event.uuid() != null) {
      uuidFingerprints.put(event.uuid(), event.fingerprint());
    }
    version = event.version();
  }

  private void startInteraction(long atMillis, long untilMillis) {
    if (interactionsInFlight > 0 && atMillis >= interactionLockedUntil) {
      interactionsInFlight =
          0; // the earlier ones were never ended (a node died with them): their deadline passed
    }
    interactionLockedUntil =
        interactionsInFlight == 0 ? untilMillis : Math.max(interactionLockedUntil, untilMillis);
    interactionsInFlight++;
  }

  private void countOperation(long atMillis) {
    forgetOperationsBefore(atMillis - RATE_WINDOW_MILLIS);
    recentOperationMillis.addLast(atMillis);
  }

  /** Drops counted operations at or before {@code cutoffMillis}. */
  void forgetOperationsBefore(long cutoffMillis) {
    while (!recentOperationMillis.isEmpty() && recentOperationMillis.peekFirst() <= cutoffMillis) {
      recentOperationMillis.removeFirst();
    }
  }

  private void replaceCard(ObjectNode newCard) {
    card = newCard;
    cardBytes = -1;
  }

  private void adjustBytes(int delta) {
    if (cardBytes >= 0) {
      cardBytes += delta;
    }
  }

  /** The card's {@code config} object, created if missing. */
  ObjectNode config() {
    JsonNode config = card.get("config");
    if (config == null || !config.isObject()) {
      return card.putObject("config");
    }
    return (ObjectNode) config;
  }

  public String cardId() {
    return cardId;
  }

  /** The app that created the card. */
  public String appId() {
    return appId;
  }

  public long createdAtMillis() {
    return createdAtMillis;
  }

  /** The live card tree; callers must not modify it. */
  public ObjectNode card() {
    return card;
  }

  public long version() {
    return version;
  }

  /** The highest sequence accepted so far, 0 before the first. */
  public int lastSequence() {
    return lastSequence;
  }

  /**
   * Whether {@code config.streaming_mode} is on (the window may have run out without a call
   * noticing yet).
   */
  public boolean streamingMode() {
    JsonNode mode = card.path("config").get("streaming_mode");
    return mode != null && mode.asBoolean(false);
  }

  /** When streaming was last switched on. */
  public long streamingOpenedAtMillis() {
    return streamingOpenedAtMillis;
  }

  /** Whether streaming mode is on and its window still open at {@code nowMillis}. */
  public boolean isStreaming(long nowMillis, long timeoutMillis) {
    return streamingMode() && nowMillis < streamingOpenedAtMillis + timeoutMillis;
  }

  /** The message that shows this card, or {@code null} before it is sent. */
  public @Nullable String sentMessageId() {
    return sentMessageId;
  }

  public @Nullable String sentChatId() {
    return sentChatId;
  }

  /**
   * The version of the event that sent the card, or 0 before it is sent (and for a card restored
   * from a snapshot written before this was kept, whose sending predates the snapshot). What a chat
   * shows of a card starts at this version: no page can place an event before it.
   */
  public long sentVersion() {
    return sentVersion;
  }

  /** The request digest stored for an idempotency id, or {@code null}. */
  public @Nullable String fingerprintOf(String uuid) {
    return uuidFingerprints.get(uuid);
  }

  /** The remembered idempotency ids, oldest first. */
  public Map<String, String> uuidFingerprints() {
    return java.util.Collections.unmodifiableMap(uuidFingerprints);
  }

  /**
   * Whether streaming ended by timeout (noticed by a call or by the server's timer) and no content
   * call has been told so yet; clears the mark. Not persisted: after a restart, a bot may hear of
   * the same timeout once more.
   */
  boolean takeUnreportedTimeout() {
    boolean unreported = timeoutUnreported;
    timeoutUnreported = false;
    return unreported;
  }

  /** Users' interactions handed to the bot and not ended yet. */
  public int interactionsInFlight() {
    return interactionsInFlight;
  }

  /**
   * Until when CardKit calls are refused because an interaction is being answered ({@code
   * Long.MIN_VALUE} when none is in flight).
   */
  public long interactionLockedUntil() {
    return interactionsInFlight > 0 ? interactionLockedUntil : Long.MIN_VALUE;
  }

  /** Whether an interaction locks the card at {@code nowMillis}. */
  public boolean interactionLocked(long nowMillis) {
    return nowMillis < interactionLockedUntil();
  }

  /** Compact UTF-8 size of the card JSON, kept up to date cheaply for streamed text. */
  public int cardBytes() {
    if (cardBytes < 0) {
      cardBytes = Json.utf8Size(card);
    }
    return cardBytes;
  }

  /** Times of the operations accepted within the last second, for the per-card rate limit. */
  ArrayDeque<Long> recentOperationMillis() {
    return recentOperationMillis;
  }

  /** Restores the persisted fields from a snapshot (see {@link CardStateCodec}). */
  void restore(
      String appId,
      long createdAtMillis,
      ObjectNode card,
      long version,
      int lastSequence,
      long streamingOpenedAtMillis,
      @Nullable String sentMessageId,
      @Nullable String sentChatId,
      long sentVersion,
      Map<String, String> uuids,
      int interactionsInFlight,
      long interactionLockedUntil) {
    this.appId = appId;
    this.createdAtMillis = createdAtMillis;
    this.card = card;
    this.version = version;
    this.lastSequence = lastSequence;
    this.streamingOpenedAtMillis = streamingOpenedAtMillis;
    this.sentMessageId = sentMessageId;
    this.sentChatId = sentChatId;
    this.sentVersion = sentVersion;
    this.uuidFingerprints.clear();
    this.uuidFingerprints.putAll(uuids);
    this.interactionsInFlight = interactionsInFlight;
    this.interactionLockedUntil =
        interactionsInFlight > 0 ? interactionLockedUntil : Long.MIN_VALUE;
    this.cardBytes = -1;
  }
}
