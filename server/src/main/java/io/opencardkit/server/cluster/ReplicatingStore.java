package io.opencardkit.server.cluster;

import io.opencardkit.core.bus.ClusterBus;
import io.opencardkit.core.engine.CardEvent;
import io.opencardkit.core.store.CardStore;
import io.opencardkit.core.store.ForwardingCardStore;
import io.opencardkit.core.store.WriteBatch;
import io.opencardkit.server.web.FrameExchange;
import io.opencardkit.server.web.FrameExchange.CardFrames;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store shared by several nodes: every batch this node commits is broadcast on the cluster bus
 * once it is durable, so the other nodes' caches, browsers and previews follow without reading the
 * database. Reads go straight through.
 *
 * <p>Implementation notes: commits complete on the store's writer thread in commit order and are
 * queued; one thread of its own takes whatever has queued up (a group commit's batches complete
 * together) and broadcasts it as one message, in that same order, so the writer never waits for
 * JSON or the network, every other node receives a card's events in version order, and a busy node
 * sends one message per group instead of one per batch. A batch is broadcast only after its commit
 * succeeded ("publish after commit"): no node shows what a crash could take back. A broadcast the
 * bus loses is made good by the receivers, which fill gaps from the database.
 *
 * <p>The same thread numbers its messages (1, 2, 3…) and, once {@link #startHeartbeats} was called,
 * broadcasts a heartbeat with the last number whenever it sent nothing for {@value
 * #HEARTBEAT_MILLIS} ms. So the other nodes ({@link Peers}) notice a gap in the numbers (a lost
 * broadcast) and, from silence, a node that died or lost the bus, possibly between a commit and its
 * broadcast; either way they catch up from the database. Being sent from this thread, a heartbeat
 * never overtakes the batch message whose number it repeats.
 *
 * <p>Once {@link #shipFramesFrom} was called, a message also carries the viewers' frames this
 * node's hub built for the events, so that the other nodes send their viewers the same bytes
 * instead of building them again: the publisher waits for the hub at most {@value
 * #FRAMES_WAIT_MILLIS} ms per message, and a message whose frames are late goes without them (the
 * receivers then build them, as they would for a chat nobody watches here).
 */
public final class ReplicatingStore extends ForwardingCardStore {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicatingStore.class);

  /** The most batches one message carries (about 340 bytes each for a streamed update). */
  static final int MAX_BATCHES_PER_MESSAGE = 1000;

  /**
   * At most this long without a message from a live node; {@link Peers#SILENCE_MILLIS} is several
   * times it.
   */
  static final long HEARTBEAT_MILLIS = 500;

  /** The longest a message waits for the frames of its events. */
  static final long FRAMES_WAIT_MILLIS = 100;

  /** A committed batch with the frames expected for its events, per card. */
  private record Committed(WriteBatch batch, List<Expected> frames) {}

  private record Expected(String cardId, CompletableFuture<CardFrames> frames) {}

  private final ClusterBus bus;
  private final BlockingQueue<Committed> committed = new LinkedBlockingQueue<>();
  private final Thread publisher = new Thread(this::publish, "okc-replicate");
  private volatile boolean closing;
  private volatile boolean heartbeats;
  private volatile FrameExchange exchange; // null: messages carry no frames
  private long numbered; // batch messages sent; the publisher's thread only
  private long lastSentNanos; // the publisher's thread only
  private final LongSupplier nanos;

  public ReplicatingStore(CardStore store, ClusterBus bus) {
    this(store, bus, System::nanoTime);
  }

  /**
   * @param nanos a monotonic ticker in nanoseconds ({@code System::nanoTime}): when a heartbeat is
   *     due
   */
  ReplicatingStore(CardStore store, ClusterBus bus, LongSupplier nanos) {
    super(store);
    this.bus = bus;
    this.nanos = nanos;
    publisher.setDaemon(true);
    publisher.start();
  }

  @Override
  public CompletableFuture<Void> commit(WriteBatch batch) {
    FrameExchange frames = exchange;
    List<Expected> expected = frames == null ? List.of() : expect(frames, batch.events());
    CompletableFuture<Void> done = super.commit(batch);
    done.whenComplete(
        (v, failure) -> {
          if (failure == null) {
            committed.add(new Committed(batch, expected));
          } else {
            expected.forEach(e -> frames.forget(e.cardId(), e.frames()));
          }
        });
    return done;
  }

  /** Ships the frames {@code frames} hands over with the events they show, from now on. */
  public void shipFramesFrom(FrameExchange frames) {
    this.exchange = frames;
  }

  /**
   * Registers, per run of one card's events, the frames the hub will build for them (before the
   * commit).
   */
  private static List<Expected> expect(FrameExchange frames, List<CardEvent> events) {
    if (events.isEmpty()) {
      return List.of();
    }
    List<Expected> expected = new ArrayList<>(1);
    int start = 0;
    for (int i = 1; i <= events.size(); i++) {
      if (i == events.size() || !events.get(i).cardId().equals(events.get(start).cardId())) {
        String cardId = events.get(start).cardId();
        expected.add(
            new Expected(
                cardId,
                frames.expect(cardId, events.get(start).version(), events.get(i - 1).version())));
        start = i;
      }
    }
    return expected;
  }

  /**
   * Starts the heartbeats; call once the node listens on the bus (nothing may be broadcast before).
   */
  public void startHeartbeats() {
    heartbeats = true;
  }

  private void publish() {
    List<Committed> group = new ArrayList<>();
    while (true) {
      Committed first;
      try {
        first = committed.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (first != null) {
        group.clear();
        group.add(first);
        committed.drainTo(group, MAX_BATCHES_PER_MESSAGE - 1);
        broadcast(group);
      } else if (closing) {
        return;
      }
      if (heartbeats
          && nanos.getAsLong() - lastSentNanos >= TimeUnit.MILLISECONDS.toNanos(HEARTBEAT_MILLIS)) {
        send(ReplicatedBatch.heartbeat(numbered));
      }
    }
  }

  private void broadcast(List<Committed> group) {
    try {
      List<WriteBatch> batches = new ArrayList<>(group.size());
      group.forEach(c -> batches.add(c.batch()));
      String message = ReplicatedBatch.encode(batches, numbered + 1, framesOf(group));
      if (message != null) {
        numbered++; // counted even if the bus drops it: the receivers then see the gap
        send(message);
      }
    } catch (RuntimeException e) {
      LOG.warn("cannot broadcast committed batches: {}", e.toString());
    }
  }

  /**
   * The frames the hub built for the group's events, waiting at most {@value #FRAMES_WAIT_MILLIS}
   * ms in all.
   */
  private List<CardFrames> framesOf(List<Committed> group) {
    FrameExchange frames = exchange;
    if (frames == null) {
      return List.of();
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FRAMES_WAIT_MILLIS);
    List<CardFrames> built = new ArrayList<>();
    for (Committed c : group) {
      for (Expected e : c.frames()) {
        CardFrames card = null;
        try {
          card = e.frames().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException late) {
          frames.forget(e.cardId(), e.frames());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          frames.forget(e.cardId(), e.frames());
        } catch (ExecutionException impossible) {
          // never completed exceptionally
        }
        if (card != null) {
          built.add(card);
        }
      }
    }
    return built;
  }

  private void send(String message) {
    bus.broadcast(message);
    lastSentNanos = nanos.getAsLong();
  }

  /** Closes the store first (its last commits are still broadcast), then the publishing thread. */
  @Override
  public void close() {
    super.close();
    closing = true;
    try {
      publisher.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
