package io.opencardkit.server.cluster;

import io.opencardkit.core.bus.ClusterBus;
import io.opencardkit.core.store.CardStore;
import io.opencardkit.core.store.ForwardingCardStore;
import io.opencardkit.core.store.WriteBatch;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store shared by several nodes: every batch this node commits is broadcast on the cluster bus once it is durable,
 * so the other nodes' caches, browsers and previews follow without reading the database. Reads go straight through.
 *
 * <p>Implementation notes: commits complete on the store's writer thread in commit order; encoding and handing to
 * the bus run on one thread of their own in that same order, so the writer never waits for JSON or the network and
 * every other node receives a card's events in version order. A batch is broadcast only after its commit succeeded
 * ("publish after commit"): no node shows what a crash could take back. A broadcast the bus loses is made good by
 * the receivers, which fill gaps from the database.
 */
public final class ReplicatingStore extends ForwardingCardStore {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicatingStore.class);

  private final ClusterBus bus;
  private final ExecutorService publisher =
      Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "okc-replicate");
        t.setDaemon(true);
        return t;
      });

  public ReplicatingStore(CardStore store, ClusterBus bus) {
    super(store);
    this.bus = bus;
  }

  @Override
  public CompletableFuture<Void> commit(WriteBatch batch) {
    CompletableFuture<Void> committed = super.commit(batch);
    committed.whenComplete((v, failure) -> {
      if (failure == null) {
        publisher.execute(() -> broadcast(batch));
      }
    });
    return committed;
  }

  private void broadcast(WriteBatch batch) {
    try {
      String message = ReplicatedBatch.encode(batch);
      if (message != null) {
        bus.broadcast(message);
      }
    } catch (RuntimeException e) {
      LOG.warn("cannot broadcast a committed batch: {}", e.toString());
    }
  }

  /** Closes the store first (its last commits are still broadcast), then the publishing thread. */
  @Override
  public void close() {
    super.close();
    publisher.shutdown();
    try {
      publisher.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
