package io.opencardkit.server.web;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link CardWindow}s of all cards, with a budget for all of them together (by default {@value
 * #ALL_WINDOWS_CHARS} characters): beyond it the least recently active cards lose their windows
 * (their resumes then get snapshots). The hub adds and sweeps windows on its context; shards look
 * them up from theirs.
 */
final class CardWindows {
  static final int WINDOW_EVENTS = 300;
  static final Duration WINDOW_AGE = Duration.ofMinutes(2);
  static final long WINDOW_CHARS = 2_000_000;
  static final long ALL_WINDOWS_CHARS = 64_000_000;

  private final Clock clock;
  private final long budgetChars;
  private final Map<String, CardWindow> windows = new ConcurrentHashMap<>();
  private final AtomicLong streamNumbers = new AtomicLong();

  CardWindows(Clock clock, long budgetChars) {
    this.clock = clock;
    this.budgetChars = budgetChars;
  }

  /** The card's window, or {@code null}. */
  CardWindow get(String cardId) {
    return windows.get(cardId);
  }

  /**
   * The card's window for frames of a chat; a new one when there is none (or it was for another
   * chat).
   */
  CardWindow forChat(String cardId, String chatId) {
    CardWindow window = windows.get(cardId);
    if (window == null || !window.chatId().equals(chatId)) {
      window =
          new CardWindow(cardId, chatId, clock, WINDOW_EVENTS, WINDOW_AGE.toMillis(), WINDOW_CHARS);
      windows.put(cardId, window);
    }
    return window;
  }

  /** The next {@link AppendStream} number: never reused within this node's lifetime. */
  long nextStreamNumber() {
    return streamNumbers.incrementAndGet();
  }

  void remove(String cardId) {
    windows.remove(cardId);
  }

  /**
   * Drops idle windows, then the least recently active ones while all together exceed the budget.
   * Returns the dropped windows' cards with their chats, so that the viewers of those chats can
   * forget them too.
   */
  Map<String, String> sweep() {
    Map<String, String> dropped = new HashMap<>();
    windows
        .entrySet()
        .removeIf(
            e -> {
              if (e.getValue().idle()) {
                dropped.put(e.getKey(), e.getValue().chatId());
                return true;
              }
              return false;
            });
    long total = 0;
    for (CardWindow window : windows.values()) {
      total += window.chars();
    }
    if (total <= budgetChars) {
      return dropped;
    }
    List<Map.Entry<String, CardWindow>> byAge = new ArrayList<>(windows.entrySet());
    byAge.sort(Comparator.comparingLong(e -> e.getValue().lastAppendMillis()));
    for (Map.Entry<String, CardWindow> entry : byAge) {
      if (total <= budgetChars) {
        break;
      }
      total -= entry.getValue().chars();
      windows.remove(entry.getKey());
      dropped.put(entry.getKey(), entry.getValue().chatId());
    }
    return dropped;
  }
}
