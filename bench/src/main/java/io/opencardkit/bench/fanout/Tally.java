package io.opencardkit.bench.fanout;

/**
 * What the viewers of one client event loop saw during one period. Touched only by that loop while
 * the period runs; merged on the loop's own context afterwards.
 */
public final class Tally {
  public long cardFrames;
  public long snapshots;
  public long messages;
  long otherFrames;
  public long gaps;
  public long duplicates;

  /** Card frames whose (card, version) had no recorded send time (not from this run's calls). */
  long untimed;

  /** Card frames of a card the viewer had not seen a message frame for (the reference has none). */
  public long unanchored;

  /**
   * Card frames that were v2 append arrays (the rest of {@link #cardFrames} were v1 card objects).
   */
  public long v2Appends;

  /** v2 stream announcements. */
  long streamFrames;

  /**
   * v2 append arrays whose stream number was never announced on their connection: a protocol error.
   */
  public long unknownStreams;

  /** Payload bytes of every frame, counted for the probe viewer only. */
  long probePayloadBytes;

  long probeFrames;
  final LatencyHistogram latency = new LatencyHistogram();

  void add(Tally o) {
    cardFrames += o.cardFrames;
    snapshots += o.snapshots;
    messages += o.messages;
    otherFrames += o.otherFrames;
    gaps += o.gaps;
    duplicates += o.duplicates;
    untimed += o.untimed;
    unanchored += o.unanchored;
    v2Appends += o.v2Appends;
    streamFrames += o.streamFrames;
    unknownStreams += o.unknownStreams;
    probePayloadBytes += o.probePayloadBytes;
    probeFrames += o.probeFrames;
    latency.add(o.latency);
  }
}
