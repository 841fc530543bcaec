package io.opencardkit.server.web;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The recent card frames of one card, so that a reconnecting page gets exactly the frames it missed
 * without a database read, and the card's {@link AppendStream} numbers. Bounded three ways: at most
 * {@code maxEvents} frames, none older than {@code maxAgeMillis} by the injected clock, and at most
 * {@code maxChars} bytes of frames in total (a few large replaces must not pin megabytes).
 * Thread-safe: the hub appends, the shards read on resume.
 */
final class CardWindow {
  /** One retained frame. */
  record Entry(long version, long atMillis, OutFrame frame) {}

  private final String chatId;
  private final Clock clock;
  private final int maxEvents;
  private final long maxAgeMillis;
  private final long maxChars;
  private final ArrayDeque<Entry> entries = new ArrayDeque<>();
  private final Map<String, AppendStream> streams = new HashMap<>();
  private final Map<Long, AppendStream> shippedStreams =
      new HashMap<>(); // numbered by the node that built the frames
  private long lastVersion; // 0 until the first append; kept when the frames themselves expire
  private long lastAppendMillis;
  private long chars;

  private final String cardId;

  CardWindow(
      String cardId, String chatId, Clock clock, int maxEvents, long maxAgeMillis, long maxChars) {
    if (maxEvents < 1 || maxAgeMillis < 1 || maxChars < 1) {
      throw new IllegalArgumentException(
          "window bounds must be positive: events="
              + maxEvents
              + ", ageMillis="
              + maxAgeMillis
              + ", chars="
              + maxChars);
    }
    this.cardId = cardId;
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

  /** The stream of one of the card's elements, numbered by {@code numbers} the first time. */
  synchronized AppendStream stream(String elementId, LongSupplier numbers) {
    return streams.computeIfAbsent(
        elementId, id -> AppendStream.of(numbers.getAsLong(), cardId, id));
  }

  /**
   * The stream {@code number} of one of the card's elements as another node numbered it (its frames
   * are sent as it built them); its announcement is built once per window.
   */
  synchronized AppendStream shippedStream(long number, String elementId) {
    AppendStream stream = shippedStreams.get(number);
    if (stream == null || !stream.elementId().equals(elementId)) {
      stream = AppendStream.of(number, cardId, elementId);
      shippedStreams.put(number, stream);
    }
    return stream;
  }

  /** The newest version appended, 0 before the first. */
  synchronized long lastVersion() {
    return lastVersion;
  }

  /** Frames currently retained. */
  synchronized int size() {
    trim();
    return entries.size();
  }

  /**
   * Adds the frame of the next version. A version that does not follow the last one (the hub missed
   * events) drops what is retained, since a window with a hole would hand out a gap.
   */
  synchronized void append(long version, OutFrame frame) {
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
   * The frames after {@code heldVersion}, oldest first: empty list when nothing is missing, empty
   * optional when the window no longer (or never) covered them, so the caller must send a snapshot.
   */
  synchronized Optional<List<Entry>> after(long heldVersion) {
    trim();
    if (heldVersion == lastVersion) {
      return Optional.of(List.of());
    }
    if (heldVersion > lastVersion
        || entries.isEmpty()
        || heldVersion < entries.peekFirst().version() - 1) {
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

  /** Bytes of the retained frames. */
  synchronized long chars() {
    return chars;
  }

  /** When the last frame was appended (by the injected clock). */
  synchronized long lastAppendMillis() {
    return lastAppendMillis;
  }

  /** Whether nothing was appended for longer than the age bound, so the window can be dropped. */
  synchronized boolean idle() {
    return clock.millis() - lastAppendMillis >= maxAgeMillis;
  }

  private void trim() {
    long oldest = clock.millis() - maxAgeMillis;
    while (!entries.isEmpty()
        && (entries.size() > maxEvents
            || chars > maxChars
            || entries.peekFirst().atMillis() <= oldest)) {
      chars -= entries.removeFirst().frame().length();
    }
  }
}
