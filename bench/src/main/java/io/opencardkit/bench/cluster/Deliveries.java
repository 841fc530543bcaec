package io.opencardkit.bench.cluster;

import io.opencardkit.bench.BotStream;
import io.opencardkit.bench.fanout.CardTrack;
import io.opencardkit.bench.fanout.ViewerFleet;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;

/**
 * Every card version the bots caused, when its call was sent and acknowledged, and when each of a
 * chat's two viewers (slot 0 and slot 1, on the same node or on two) first received its frame:
 * enough to time each acknowledged update's delivery to both viewers of the same event, and to find
 * any that one of them never got. A version can also reach a viewer inside the card's message
 * frame: a node that learns of a new card from another node may show it at a later version than
 * "sent", and then sends no card frame for the versions the message already holds
 * (docs/web-protocol.md); such versions count as delivered by that frame.
 *
 * <p>Bots write on their event loop, each viewer on its own; every cell is written once by one
 * thread and read after the phase has quiesced, so atomic arrays suffice.
 */
final class Deliveries implements BotStream.VersionObserver {
  static final int SLOTS = 2;

  private final CardTrack.Registry registry = new CardTrack.Registry();
  private final int maxVersion;
  private final ConcurrentHashMap<String, Card> cards = new ConcurrentHashMap<>();

  /**
   * @param maxVersion the highest version a card can reach (its updates, plus create, send and
   *     close)
   */
  Deliveries(int maxVersion) {
    this.maxVersion = maxVersion;
  }

  private final class Card {
    final CardTrack track;
    final AtomicLongArray acknowledged = new AtomicLongArray(maxVersion + 1);
    final AtomicLongArray[] arrived = {
      new AtomicLongArray(maxVersion + 1), new AtomicLongArray(maxVersion + 1)
    };

    /**
     * Per slot: the version the card's first message frame showed, and when it arrived (0 before).
     */
    final AtomicLongArray messageVersion = new AtomicLongArray(SLOTS);

    final AtomicLongArray messageArrived = new AtomicLongArray(SLOTS);

    Card(CardTrack track) {
      this.track = track;
    }
  }

  CardTrack.Registry registry() {
    return registry;
  }

  @Override
  public void created(String cardId) {
    cards.put(cardId, new Card(registry.register(cardId, maxVersion)));
  }

  @Override
  public void sending(String cardId, long version, long nanos) {
    Card card = cards.get(cardId);
    if (card != null) {
      card.track.sent(version, nanos);
    }
  }

  @Override
  public void acknowledged(String cardId, long version, long nanos) {
    Card card = cards.get(cardId);
    if (card != null && version <= maxVersion) {
      card.acknowledged.set((int) version, nanos);
    }
  }

  /** What the viewer fleet of {@code slot} should tell: each frame's first arrival. */
  ViewerFleet.CardFrameListener slot(int slot) {
    return new ViewerFleet.CardFrameListener() {
      @Override
      public void cardFrame(CardTrack track, long version, long arrivedNanos) {
        Card card = cards.get(track.cardId);
        if (card != null && version <= maxVersion) {
          card.arrived[slot].compareAndSet((int) version, 0, arrivedNanos);
        }
      }

      @Override
      public void messageFrame(CardTrack track, long version, long arrivedNanos) {
        Card card = cards.get(track.cardId);
        if (card != null && card.messageArrived.compareAndSet(slot, 0, arrivedNanos)) {
          card.messageVersion.set(slot, version);
        }
      }
    };
  }

  /**
   * Acknowledged content updates sent in {@code [fromNanos, toNanos)}: latency from the (scheduled)
   * send to each slot's arrival, the time between the two arrivals of the same event, and the
   * events a slot never received.
   */
  Summary summarize(long fromNanos, long toNanos) {
    Summary s = new Summary();
    for (Card card : cards.values()) {
      for (int v = (int) BotStream.SENT_VERSION + 1; v <= maxVersion; v++) {
        long sent = card.track.sentNanos(v);
        if (card.acknowledged.get(v) == 0 || sent < fromNanos || sent >= toNanos) {
          continue;
        }
        s.events++;
        long first = s.arrival(card, 0, v);
        long second = s.arrival(card, 1, v);
        s.add(0, first, sent);
        s.add(1, second, sent);
        if (first != 0 && second != 0) {
          s.hop((second - first) / 1000);
        }
      }
    }
    return s;
  }

  /** Delivery of a set of acknowledged updates to both slots. */
  static final class Summary {
    long events;
    final long[] missing = new long[SLOTS];

    /**
     * Per slot: versions that arrived inside the card's message frame rather than as card frames of
     * their own.
     */
    final long[] inMessage = new long[SLOTS];

    final Histogram[] latencyMicros = {
      new Histogram(60_000_000L, 3), new Histogram(60_000_000L, 3)
    };

    /**
     * Slot 1's arrival − slot 0's of each event both received, µs; negative when slot 1 was first.
     */
    private long[] hopMicros = new long[1024];

    private int hops;
    private boolean sorted;

    private void hop(long micros) {
      if (hops == hopMicros.length) {
        hopMicros = Arrays.copyOf(hopMicros, hops * 2);
      }
      hopMicros[hops++] = micros;
      sorted = false;
    }

    /**
     * The given percentile of slot 1's arrival − slot 0's, in ms (NaN when no event reached both).
     */
    double hopMillis(double percentile) {
      if (hops == 0) {
        return Double.NaN;
      }
      if (!sorted) {
        Arrays.sort(hopMicros, 0, hops);
        sorted = true;
      }
      int rank = (int) Math.min(hops - 1, Math.max(0, Math.ceil(percentile / 100 * hops) - 1));
      return hopMicros[rank] / 1000.0;
    }

    /** Events slot 1 received before slot 0. */
    long secondFirst() {
      long n = 0;
      for (int i = 0; i < hops; i++) {
        n += hopMicros[i] < 0 ? 1 : 0;
      }
      return n;
    }

    /**
     * When {@code slot} got version {@code v}: its card frame, else the message frame that held it,
     * else 0.
     */
    private long arrival(Card card, int slot, int v) {
      long frame = card.arrived[slot].get(v);
      if (frame != 0 || v > card.messageVersion.get(slot)) {
        return frame;
      }
      inMessage[slot]++;
      return card.messageArrived.get(slot);
    }

    private void add(int slot, long arrived, long sent) {
      if (arrived == 0) {
        missing[slot]++;
      } else {
        latencyMicros[slot].recordValue(Math.max(0, arrived - sent) / 1000);
      }
    }
  }
}
