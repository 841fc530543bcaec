package io.opencardkit.server.web;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the browser push, updated from every event loop and readable from any thread (tests,
 * metrics).
 */
public final class ViewerStats {
  private final LongAdder deltasSkipped = new LongAdder();
  private final LongAdder snapshotsSent = new LongAdder();
  private final LongAdder slowClientsClosed = new LongAdder();
  private final LongAdder connections = new LongAdder();
  private final LongAdder socketsAborted = new LongAdder();
  private final LongAdder bytesWritten = new LongAdder();
  private final LongAdder framesWritten = new LongAdder();
  private final LongAdder unresponsiveClosed = new LongAdder();
  private final LongAdder pingsSent = new LongAdder();
  private final LongAdder pingsAnswered = new LongAdder();
  private final LongAdder sharedDeflateConnections = new LongAdder();

  /** Card frames not written because the socket was full or a snapshot was due. */
  public long deltasSkipped() {
    return deltasSkipped.sum();
  }

  /** Snapshot frames written. */
  public long snapshotsSent() {
    return snapshotsSent.sum();
  }

  /** Sockets closed because even their message frames piled up. */
  public long slowClientsClosed() {
    return slowClientsClosed.sum();
  }

  /**
   * Sockets closed because nothing was heard from them, not even a pong, within the liveness
   * timeout.
   */
  public long unresponsiveClosed() {
    return unresponsiveClosed.sum();
  }

  /**
   * Sockets dropped with a TCP reset (a close the peer did not complete in time, or an unresponsive
   * peer).
   */
  public long socketsAborted() {
    return socketsAborted.sum();
  }

  /**
   * Payload bytes of frames whose write completed (after compression, without WebSocket headers).
   */
  public long bytesWritten() {
    return bytesWritten.sum();
  }

  /** Frames whose write completed (each counted once per socket it went to). */
  public long framesWritten() {
    return framesWritten.sum();
  }

  /** Pings sent to silent sockets. */
  public long pingsSent() {
    return pingsSent.sum();
  }

  /** Pings after which the socket was heard from again (a pong, or any frame). */
  public long pingsAnswered() {
    return pingsAnswered.sum();
  }

  /**
   * Open viewer sockets that are sent the shared compressed bytes (permessage-deflate without
   * context takeover).
   */
  public long sharedDeflateConnections() {
    return sharedDeflateConnections.sum();
  }

  /** Open viewer sockets. */
  public long connections() {
    return connections.sum();
  }

  void deltaSkipped() {
    deltasSkipped.increment();
  }

  void snapshotSent() {
    snapshotsSent.increment();
  }

  void slowClientClosed() {
    slowClientsClosed.increment();
  }

  void unresponsiveDropped() {
    unresponsiveClosed.increment();
  }

  void socketAborted() {
    socketsAborted.increment();
  }

  /** A frame of {@code bytes} payload bytes was written to a socket. */
  void bytesWritten(long bytes) {
    bytesWritten.add(bytes);
    framesWritten.increment();
  }

  void pingSent() {
    pingsSent.increment();
  }

  void pingAnswered() {
    pingsAnswered.increment();
  }

  void connectionOpened(boolean sharedDeflate) {
    connections.increment();
    if (sharedDeflate) {
      sharedDeflateConnections.increment();
    }
  }

  void connectionClosed(boolean sharedDeflate) {
    connections.decrement();
    if (sharedDeflate) {
      sharedDeflateConnections.decrement();
    }
  }
}
