package io.opencardkit.server.web;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The recent card frames of one card, so that a reconnecting page gets exactly the frames it missed without a
 * database read. Bounded three ways: at most {@code maxEvents} frames, none older than {@code maxAgeMillis} by the
 * injected clock, and at most {@code maxChars} characters of frames in total (a few large replaces must not pin
 * megabytes). Not thread-safe: the viewer hub confines it to its context.
 */
final class CardWindow {
  /** One retained frame. */
  record Entry(long version, long atMillis, String frame) {}

  private final String chatId;
  private final Clock clock;
  private final int maxEvents;
  private final long maxAgeMillis;
  private final long maxChars;
  private final ArrayDeque<Entry> entries = new ArrayDeque<>();
  private long lastVersion; // 0 until the first append; kept when the frames themselves expire
  private long lastAppendMillis;
  private long chars;

  CardWindow(String chatId, Clock clock, int maxEvents, long maxAgeMillis, long maxChars) {
    if (maxEvents < 1 || maxAgeMillis < 1 || maxChars < 1) {
      throw new IllegalArgumentException(
          "window bounds must be positive: events=" + maxEvents + ", ageMillis=" + maxAgeMillis + ", chars=" + maxChars);
    }
    this.chatId = chatId;
    this.clock = clock;
    this.maxEvents = maxEvents;
    this.maxAgeMillis = maxAgeMillis;
    this.maxChars = maxChars;
  }

  /** The chat the card is shown in. */
  String chatId() {
    return chatId;
  }

  /** The newest version appended, 0 before the first. */
  long lastVersion() {
    return lastVersion;
  }

  /** Frames currently retained. */
  int size() {
    trim();
    return entries.size();
  }

  /**
   * Adds the frame of the next version. A version that does not follow the last one (the hub missed events) drops
   * what is retained, since a window with a hole would hand out a gap.
   */
  void append(long version, String frame) {
    if (lastVersion != 0 && version != lastVersion + 1) {
      entries.clear();
      chars = 0;
    }
    long now = clock.millis();
    entries.addLast(new Entry(version, now, frame));
    chars += frame.length();
    lastVersion = version;
    lastAppendMillis = now;
    trim();
  }

  /**
   * The frames after {@code heldVersion}, oldest first: empty list when nothing is missing, empty optional when the
   * window no longer (or never) covered them, so the caller must send a snapshot.
   */
  Optional<List<Entry>> after(long heldVersion) {
    trim();
    if (heldVersion == lastVersion) {
      return Optional.of(List.of());
    }
    if (heldVersion > lastVersion || entries.isEmpty() || heldVersion < entries.peekFirst().version() - 1) {
      return Optional.empty();
    }
    List<Entry> missing = new ArrayList<>((int) (lastVersion - heldVersion));
    for (Entry entry : entries) {
      if (entry.version() > heldVersion) {
        missing.add(entry);
      }
    }
    return Optional.of(missing);
  }

  /** Characters of the retained frames. */
  long chars() {
    return chars;
  }

  /** When the last frame was appended (by the injected clock). */
  long lastAppendMillis() {
    return lastAppendMillis;
  }

  /** Whether nothing was appended for longer than the age bound, so the window can be dropped. */
  boolean idle() {
    return clock.millis() - lastAppendMillis >= maxAgeMillis;
  }

  private void trim() {
    long oldest = clock.millis() - maxAgeMillis;
    while (!entries.isEmpty()
        && (entries.size() > maxEvents || chars > maxChars || entries.peekFirst().atMillis() <= oldest)) {
      chars -= entries.removeFirst().frame().length();
    }
  }
}
