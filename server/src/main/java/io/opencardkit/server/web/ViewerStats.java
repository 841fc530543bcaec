package io.opencardkit.server.web;

import java.util.concurrent.atomic.AtomicLong;

/** Counters of the browser push, readable from any thread (tests and, later, metrics). */
public final class ViewerStats {
  private final AtomicLong deltasSkipped = new AtomicLong();
  private final AtomicLong snapshotsSent = new AtomicLong();
  private final AtomicLong slowClientsClosed = new AtomicLong();
  private final AtomicLong connections = new AtomicLong();

  /** Card frames not written because the socket was full or a snapshot was due. */
  public long deltasSkipped() {
    return deltasSkipped.get();
  }

  /** Snapshot frames written. */
  public long snapshotsSent() {
    return snapshotsSent.get();
  }

  /** Sockets closed because even their message frames piled up. */
  public long slowClientsClosed() {
    return slowClientsClosed.get();
  }

  /** Open viewer sockets. */
  public long connections() {
    return connections.get();
  }

  void deltaSkipped() {
    deltasSkipped.incrementAndGet();
  }

  void snapshotSent() {
    snapshotsSent.incrementAndGet();
  }

  void slowClientClosed() {
    slowClientsClosed.incrementAndGet();
  }

  void connectionOpened() {
    connections.incrementAndGet();
  }

  void connectionClosed() {
    connections.decrementAndGet();
  }
}
