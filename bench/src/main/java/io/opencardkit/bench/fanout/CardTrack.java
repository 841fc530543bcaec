package io.opencardkit.bench.fanout;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One streamed card as the load generator knows it: when each of its versions was sent (the bot's
 * API call, or the reference broadcaster's write), so that a viewer in the same JVM can compute the
 * latency of a frame from its {@code (card_id, version)} alone. Nothing is embedded in the streamed
 * text.
 */
public final class CardTrack {
  /** All cards of a run, by card id; written by the bots, read by the viewers. */
  public static final class Registry {
    private final ConcurrentHashMap<String, CardTrack> byId = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    public CardTrack register(String cardId, int maxVersion) {
      CardTrack track = new CardTrack(ids.getAndIncrement(), cardId, maxVersion);
      byId.put(cardId, track);
      return track;
    }

    /** The card's track, registered now (without send times) if nobody registered it before. */
    public CardTrack getOrRegister(String cardId, int maxVersion) {
      return byId.computeIfAbsent(
          cardId, id -> new CardTrack(ids.getAndIncrement(), id, maxVersion));
    }

    public CardTrack get(String cardId) {
      return byId.get(cardId);
    }

    /** How many cards were registered; viewers size their per-card arrays with it. */
    int size() {
      return ids.get();
    }
  }

  /** 0, 1, 2… in the order the cards were registered. */
  public final int index;

  public final String cardId;
  private final AtomicLongArray sentNanos;

  private CardTrack(int index, String cardId, int maxVersion) {
    this.index = index;
    this.cardId = cardId;
    this.sentNanos = new AtomicLongArray(maxVersion + 1);
  }

  /**
   * Records when the call that will produce {@code version} was sent ({@link System#nanoTime()}).
   */
  public void sent(long version, long nanos) {
    if (version > 0 && version < sentNanos.length()) {
      sentNanos.set((int) version, nanos);
    }
  }

  /** The call failed: its version will never come. */
  void forget(long version) {
    sent(version, 0);
  }

  /** When the version was sent, or 0 when unknown. */
  public long sentNanos(long version) {
    return version > 0 && version < sentNanos.length() ? sentNanos.get((int) version) : 0;
  }
}
