package io.opencardkit.server.web;

import io.opencardkit.core.engine.CardEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The viewers' frames of card events, shipped between the nodes of a cluster so that they are built
 * once, by the node that committed the events: its hub hands them to the broadcast of those events
 * ({@link #expect}), and the other nodes' hubs send the very same bytes to their viewers ({@link
 * #arrived}) instead of building them again. Frames are optional on the wire: whatever is missing
 * (the origin had no viewer of the chat, or its hub was late) the receiving hub builds itself, as
 * before.
 *
 * <p>Implementation notes: both sides are keyed by card and version. An expectation is registered
 * before the commit (so the hub, which hears of the events only after it, always finds it) and
 * settled by the hub when it has handled the expected versions, with their frames, or with {@code
 * null} when it built none; the broadcaster gives up on it after a bounded wait ({@link #forget}).
 * Arrived frames wait for the hub under their card; the hub takes them when it handles the card's
 * events, and drops older ones then. All methods are thread-safe.
 */
public final class FrameExchange {
  /**
   * At most this many cards with arrived frames the hub did not take yet; beyond it they are all
   * dropped.
   */
  static final int MAX_WAITING_CARDS = 10_000;

  /** At most this many arrived frames wait for one card; beyond it that card's are dropped. */
  static final int MAX_WAITING_FRAMES = 10_000;

  /**
   * The frames of one card's consecutive events, with what a receiving hub needs besides them.
   *
   * @param chatId the chat the card is shown in
   * @param messageId the message showing it
   * @param streaming whether the card streamed after the last of these events (the origin's view)
   * @param deadline when its streaming closes itself (epoch ms), or {@code null}
   */
  public record CardFrames(
      String cardId,
      String chatId,
      String messageId,
      boolean streaming,
      Long deadline,
      List<Frame> frames) {
    public CardFrames {
      frames = List.copyOf(frames);
    }
  }

  /**
   * One card version's frame: its UTF-8 text, and for a compact append the stream it names (number
   * and element), else stream 0 and no element.
   */
  public record Frame(long version, String text, long stream, String elementId) {}

  private record Expectation(long from, long to, CompletableFuture<CardFrames> frames) {}

  private record Arrived(CardFrames card, Frame frame) {}

  private final Map<String, List<Expectation>> expected = new ConcurrentHashMap<>();
  private final Map<String, TreeMap<Long, Arrived>> arrived = new ConcurrentHashMap<>();
  private final LongAdder reused = new LongAdder();
  private final LongAdder built = new LongAdder();

  // --- the origin
  // ---------------------------------------------------------------------------------------------------

  /**
   * The frames of versions {@code from}…{@code to} of a card this node is committing, once its hub
   * has handled them: {@code null} when it built none for all of them. Call before the commit;
   * {@link #forget} when no longer waited for.
   */
  public CompletableFuture<CardFrames> expect(String cardId, long from, long to) {
    Expectation expectation = new Expectation(from, to, new CompletableFuture<>());
    expected.compute(
        cardId,
        (k, list) -> {
          List<Expectation> updated = list == null ? new ArrayList<>(2) : list;
          updated.add(expectation);
          return updated;
        });
    return expectation.frames();
  }

  /**
   * Gives up on an expectation (the commit failed, or the broadcast could not wait longer);
   * completes it with null.
   */
  public void forget(String cardId, CompletableFuture<CardFrames> frames) {
    expected.computeIfPresent(
        cardId,
        (k, list) -> {
          list.removeIf(e -> e.frames() == frames);
          return list.isEmpty() ? null : list;
        });
    frames.complete(null);
  }

  /**
   * The hub handled a card's events up to {@code lastVersion}: {@code frames} of them (in order),
   * or null for none.
   */
  void handled(String cardId, long lastVersion, CardFacts facts, List<OutFrame> frames) {
    if (expected.isEmpty()) {
      return;
    }
    List<Expectation> settled = new ArrayList<>(1);
    expected.computeIfPresent(
        cardId,
        (k, list) -> {
          for (Iterator<Expectation> it = list.iterator(); it.hasNext(); ) {
            Expectation e = it.next();
            if (e.to() <= lastVersion) {
              settled.add(e);
              it.remove();
            }
          }
          return list.isEmpty() ? null : list;
        });
    for (Expectation e : settled) {
      e.frames().complete(frames == null ? null : slice(cardId, facts, frames, e.from(), e.to()));
    }
  }

  private static CardFrames slice(
      String cardId, CardFacts facts, List<OutFrame> frames, long from, long to) {
    List<Frame> wanted = new ArrayList<>((int) (to - from + 1));
    for (OutFrame frame : frames) {
      if (frame.version() >= from && frame.version() <= to) {
        AppendStream stream = frame.stream();
        String text = new String(frame.bytes(), StandardCharsets.UTF_8);
        wanted.add(
            stream == null
                ? new Frame(frame.version(), text, 0, null)
                : new Frame(frame.version(), text, stream.number(), stream.elementId()));
      }
    }
    if (wanted.size() != to - from + 1) {
      // some were handled earlier (or skipped): the receivers build them all, never a mix within a
      // batch
      return null;
    }
    return new CardFrames(
        cardId, facts.chatId(), facts.messageId(), facts.streaming(), facts.deadline(), wanted);
  }

  // --- the receivers
  // ------------------------------------------------------------------------------------------------

  /**
   * Frames another node shipped with the events it committed; call before handing on the events.
   */
  public void arrived(CardFrames card) {
    if (arrived.size() >= MAX_WAITING_CARDS && !arrived.containsKey(card.cardId())) {
      arrived.clear(); // frames are optional: the hub builds whatever it does not find
    }
    arrived.compute(
        card.cardId(),
        (k, waiting) -> {
          TreeMap<Long, Arrived> frames = waiting == null ? new TreeMap<>() : waiting;
          if (frames.size() + card.frames().size() > MAX_WAITING_FRAMES) {
            frames.clear();
          }
          for (Frame frame : card.frames()) {
            frames.put(frame.version(), new Arrived(card, frame));
          }
          return frames;
        });
  }

  /**
   * The shipped frames of exactly these events of one card (the hub's input), or {@code null} when
   * any is missing. Drops the card's frames up to the last event's version either way.
   */
  CardFrames take(List<CardEvent> events) {
    if (arrived.isEmpty()) {
      return null;
    }
    String cardId = events.get(0).cardId();
    long last = events.get(events.size() - 1).version();
    List<Arrived> found = new ArrayList<>(events.size());
    arrived.computeIfPresent(
        cardId,
        (k, frames) -> {
          for (CardEvent event : events) {
            Arrived a = frames.get(event.version());
            if (a != null) {
              found.add(a);
            }
          }
          frames.headMap(last, true).clear();
          return frames.isEmpty() ? null : frames;
        });
    if (found.size() != events.size()) {
      return null;
    }
    CardFrames newest = found.get(found.size() - 1).card();
    List<Frame> frames = new ArrayList<>(found.size());
    found.forEach(a -> frames.add(a.frame()));
    return new CardFrames(
        cardId, newest.chatId(), newest.messageId(), newest.streaming(), newest.deadline(), frames);
  }

  void countReused(int frames) {
    reused.add(frames);
  }

  void countBuilt(int frames) {
    built.add(frames);
  }

  /** Card frames this node sent its viewers as another node shipped them, without building them. */
  public long framesReused() {
    return reused.sum();
  }

  /**
   * Card frames this node built itself (of its own events, or of others' that came without frames).
   */
  public long framesBuilt() {
    return built.sum();
  }
}
