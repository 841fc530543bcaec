package io.opencardkit.bench.fanout;

import java.util.Locale;

/**
 * What the bare broadcaster sends when, computed the same way in its process and in the
 * benchmark's: so that the benchmark knows every frame's card id, version and scheduled send time
 * without being told. (Both processes read the same clock: {@link System#nanoTime()} is the
 * machine's monotonic clock on Linux.)
 *
 * <p>Channel c of {@code channels} sends frame n (0, 1, …) at {@code start + interval × c /
 * channels + n × interval} (staggered, as the bots are), into card n ÷ appendsPerCard of the
 * channel, at version n mod appendsPerCard + 1. Card ids are 19 digits, like the server's, and
 * never repeat across steps.
 */
public final class BroadcastSchedule {
  /** Hears of one scheduled frame. */
  @FunctionalInterface
  public interface Frame {
    void scheduled(String cardId, long version, long dueNanos);
  }

  final int step;
  final int channels;
  final double rate;
  final int chunkChars;
  final int appendsPerCard;
  final long startNanos;
  final long stopNanos;

  /** 0 for flat out: no schedule, as fast as the sockets take frames. */
  final long intervalNanos;

  public BroadcastSchedule(
      int step,
      int channels,
      double rate,
      int chunkChars,
      int appendsPerCard,
      long startNanos,
      long stopNanos) {
    if (channels < 1 || appendsPerCard < 1 || chunkChars < 1 || rate < 0) {
      throw new IllegalArgumentException(
          "channels, appendsPerCard and chunkChars must be ≥ 1, rate ≥ 0");
    }
    this.step = step;
    this.channels = channels;
    this.rate = rate;
    this.chunkChars = chunkChars;
    this.appendsPerCard = appendsPerCard;
    this.startNanos = startNanos;
    this.stopNanos = stopNanos;
    this.intervalNanos = rate > 0 ? (long) (1e9 / rate) : 0;
  }

  /** The command line that hands it to the broadcaster process, and back ({@link #parse}). */
  String command() {
    return String.format(
        Locale.ROOT,
        "run %d %d %s %d %d %d %d",
        step,
        channels,
        Double.toString(rate),
        chunkChars,
        appendsPerCard,
        startNanos,
        stopNanos);
  }

  static BroadcastSchedule parse(String command) {
    String[] f = command.trim().split("\\s+");
    if (f.length != 8 || !f[0].equals("run")) {
      throw new IllegalArgumentException("not a run command: " + command);
    }
    return new BroadcastSchedule(
        Integer.parseInt(f[1]),
        Integer.parseInt(f[2]),
        Double.parseDouble(f[3]),
        Integer.parseInt(f[4]),
        Integer.parseInt(f[5]),
        Long.parseLong(f[6]),
        Long.parseLong(f[7]));
  }

  boolean flatOut() {
    return intervalNanos == 0;
  }

  /** When frame {@code n} of {@code channel} is due (scheduled steps only). */
  long due(int channel, long n) {
    return startNanos + intervalNanos * channel / channels + n * intervalNanos;
  }

  String cardId(int channel, long n) {
    return cardId(step, channel, n / appendsPerCard);
  }

  long version(long n) {
    return n % appendsPerCard + 1;
  }

  /**
   * Whether frame {@code n} opens a new card (its stream must be announced first, in protocol v2).
   */
  boolean firstOfCard(long n) {
    return n % appendsPerCard == 0;
  }

  /**
   * Where frame {@code n}'s text starts in its card, UTF-16 units (every chunk has the same
   * length).
   */
  long offset(long n) {
    return (version(n) - 1) * chunkChars;
  }

  static String cardId(int step, int channel, long card) {
    return String.format(Locale.ROOT, "9%03d%05d%010d", step % 1000, channel % 100_000, card);
  }

  /** Every frame due before the stop, channel by channel (scheduled steps only). */
  public void forEachScheduled(Frame frame) {
    if (flatOut()) {
      return;
    }
    for (int c = 0; c < channels; c++) {
      for (long n = 0; due(c, n) < stopNanos; n++) {
        frame.scheduled(cardId(c, n), version(n), due(c, n));
      }
    }
  }
}
