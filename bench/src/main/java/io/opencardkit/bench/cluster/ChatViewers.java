package io.opencardkit.bench.cluster;

import io.opencardkit.bench.fanout.Tally;
import io.opencardkit.bench.fanout.ViewerFleet;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Two viewers per chat, as two fleets: slot 0's viewers and slot 1's, each fleet on one node (both
 * on A for one node, A and B for two). Each viewer opens {@code /web/ws?user=} as the chat's
 * member, resumes with no card and counts gaps, duplicates and snapshots per card; every frame's
 * arrival goes to {@link Deliveries}.
 */
final class ChatViewers implements AutoCloseable {
  private final Vertx vertx;
  private final List<Context> loops;
  private final Deliveries deliveries;
  private final List<String> users;
  private final ViewerFleet[] fleets = new ViewerFleet[Deliveries.SLOTS];
  private final NodeProcess[] nodes = new NodeProcess[Deliveries.SLOTS];

  ChatViewers(Vertx vertx, List<Context> loops, Deliveries deliveries, List<String> users) {
    this.vertx = vertx;
    this.loops = loops;
    this.deliveries = deliveries;
    this.users = users;
  }

  /**
   * Puts slot 0's viewers on {@code first} and slot 1's on {@code second} (moving a fleet closes
   * its sockets and opens new ones), then waits until every viewer was greeted by its node (a node
   * says hello when it registers a viewer; this works on the server jar too, whose counters the
   * benchmark cannot read).
   */
  void place(NodeProcess first, NodeProcess second) throws InterruptedException {
    move(0, first);
    move(1, second);
    for (ViewerFleet fleet : fleets) {
      fleet.awaitReady(60);
    }
    Thread.sleep(
        1000); // the resume each viewer sent on opening: the server handles it after its hello
  }

  private void move(int slot, NodeProcess node) throws InterruptedException {
    if (nodes[slot] == node) {
      return;
    }
    if (fleets[slot] != null) {
      fleets[slot].close();
    }
    fleets[slot] =
        new ViewerFleet(
            vertx, loops, deliveries.registry(), false, users.size(), deliveries.slot(slot));
    fleets[slot].open("127.0.0.1", node.port(), 0, users, 64);
    nodes[slot] = node;
  }

  /** The node slot {@code slot}'s viewers are on. */
  NodeProcess node(int slot) {
    return nodes[slot];
  }

  /** Starts counting frames: the whole step from {@code startNanos}, and its measured window. */
  void startStep(long startNanos, long windowStart, long windowEnd) {
    for (ViewerFleet fleet : fleets) {
      fleet.startStep(startNanos);
      fleet.startWindow(windowStart, windowEnd);
    }
  }

  /**
   * Waits until no frame arrived for a second (at most 30 s), then returns each slot's tally of the
   * whole step.
   */
  Tally[] endStep() {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline
        && System.nanoTime() - Math.max(fleets[0].lastFrameNanos(), fleets[1].lastFrameNanos())
            < 1_000_000_000L) {
      LockSupport.parkNanos(100_000_000L);
    }
    long now = System.nanoTime();
    Tally[] tallies = new Tally[Deliveries.SLOTS];
    for (int i = 0; i < tallies.length; i++) {
      tallies[i] = fleets[i].sum(fleets[i].endStep(now));
    }
    return tallies;
  }

  /** Sockets the servers closed, per slot, since the fleet opened. */
  long unexpectedCloses(int slot) {
    return fleets[slot].unexpectedCloses();
  }

  @Override
  public void close() {
    for (ViewerFleet fleet : fleets) {
      if (fleet != null) {
        fleet.close();
      }
    }
  }
}
