package io.opencardkit.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.core.Json;
import io.opencardkit.core.bus.ClusterBus;
import io.opencardkit.core.engine.CardEvent;
import io.opencardkit.server.bots.BotDispatcher;
import io.opencardkit.server.cards.CardRuntime;
import io.opencardkit.server.directory.DirectoryBootstrap;
import io.opencardkit.server.directory.DirectoryHolder;
import io.opencardkit.server.im.MessageService;
import io.opencardkit.server.im.Reactions;
import io.opencardkit.server.web.FrameExchange;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this node does with what other nodes say on the cluster bus: their committed batches update
 * its card cache, its browsers, its previews and its directory; bot deliveries go to the
 * dispatcher; after an outage of the bus it catches up from the database and asks its browsers to
 * reload. When it may have missed another node's batches (that node fell silent: it died or lost
 * the bus, maybe between a commit and its broadcast; or came back; or its numbered batch messages
 * show a gap, see {@link Peers}), it catches up from the database too, so its viewers get every
 * version the other node acknowledged. (Reads need no such notice: they check the store, see {@link
 * CardRuntime#findCurrent}.)
 *
 * <p>Implementation notes: a batch's card events go through the card feed (in version order per
 * card, gaps filled from the store), and its messages and key/value entries are handled on the
 * feed's thread after those events, so a browser hears of a card's new version before the message
 * that shows it, as on the node that committed them. The viewers' frames a batch carries go to the
 * web chat's {@link FrameExchange} before the events, so that its hub sends them as they are. A
 * node never hears its own batches (the bus drops them undecoded), so {@link #batchesDecoded()}
 * counts other nodes' batches only.
 */
public final class ClusterReplica implements ClusterBus.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterReplica.class);

  /** How often {@link #checkPeers} should run: a fraction of {@link Peers#SILENCE_MILLIS}. */
  public static final long CHECK_PEERS_MILLIS = 250;

  private final CardRuntime runtime;
  private final MessageService messages;
  private final Reactions reactions;
  private final DirectoryHolder directory;
  private final BotDispatcher bots;
  private final Runnable reloadViewers;
  private volatile BiConsumer<String, String> otherMeta = (key, value) -> {};
  private final Peers peers;
  private final LongAdder batchesDecoded = new LongAdder();
  private volatile FrameExchange frames; // null until useFrames(): shipped frames are ignored

  public ClusterReplica(
      CardRuntime runtime,
      MessageService messages,
      Reactions reactions,
      DirectoryHolder directory,
      BotDispatcher bots,
      Runnable reloadViewers) {
    this(runtime, messages, reactions, directory, bots, reloadViewers, System::nanoTime);
  }

  /**
   * @param nanos the monotonic ticker that times other nodes' silence
   */
  ClusterReplica(
      CardRuntime runtime,
      MessageService messages,
      Reactions reactions,
      DirectoryHolder directory,
      BotDispatcher bots,
      Runnable reloadViewers,
      LongSupplier nanos) {
    this.peers = new Peers(nanos);
    this.runtime = runtime;
    this.messages = messages;
    this.reactions = reactions;
    this.directory = directory;
    this.bots = bots;
    this.reloadViewers = reloadViewers;
  }

  /** Hands the viewers' frames other nodes ship to {@code exchange} (the web chat's). */
  public ClusterReplica useFrames(FrameExchange exchange) {
    this.frames = exchange;
    return this;
  }

  /** Batch messages of other nodes this node decoded. */
  public long batchesDecoded() {
    return batchesDecoded.sum();
  }

  /**
   * Also hands every other key/value entry another node stored to {@code listener} (the web
   * sign-in's).
   */
  public ClusterReplica alsoOnMeta(BiConsumer<String, String> listener) {
    this.otherMeta = listener;
    return this;
  }

  @Override
  public void received(String fromNode, String message) {
    int texts = message.indexOf(ReplicatedBatch.TEXTS);
    JsonNode root = Json.parseOrNull(texts < 0 ? message : message.substring(0, texts));
    if (root == null) {
      LOG.warn("unreadable message from node {} ignored", fromNode);
      return;
    }
    String type = root.path("t").asText();
    boolean batch = ReplicatedBatch.TYPE.equals(type);
    if (peers.heard(
        fromNode,
        batch || ReplicatedBatch.HEARTBEAT_TYPE.equals(type) ? root.path("n").asLong(-1) : -1,
        batch)) {
      LOG.info(
          "node {} fell silent or its broadcasts were lost: catching up from the database",
          fromNode);
      runtime.catchUp();
    }
    try {
      if (batch) {
        batchesDecoded.increment();
        apply(
            texts < 0
                ? ReplicatedBatch.decode(root)
                : ReplicatedBatch.decode(root, message, texts + 1));
      } else if (ReplicatedBatch.HEARTBEAT_TYPE.equals(type)) {
        return; // it is alive: that is all a heartbeat says
      } else if (!bots.receivedFromNode(fromNode, root)) {
        LOG.debug(
            "message of unknown type {} from node {} ignored", root.path("t").asText(), fromNode);
      }
    } catch (RuntimeException e) {
      LOG.warn("message from node {} could not be applied: {}", fromNode, e.toString());
    }
  }

  private void apply(ReplicatedBatch batch) {
    FrameExchange exchange = frames;
    if (exchange != null) {
      batch.frames().forEach(exchange::arrived);
    }
    Runnable afterEvents =
        () -> {
          batch.messages().forEach(messages::committedElsewhere);
          batch.meta().forEach(this::metaChanged);
        };
    List<List<CardEvent>> byCard = batch.eventsByCard();
    if (byCard.isEmpty()) {
      runtime.committedElsewhere(List.of(), afterEvents);
      return;
    }
    for (int i = 0; i < byCard.size(); i++) {
      runtime.committedElsewhere(byCard.get(i), i == byCard.size() - 1 ? afterEvents : () -> {});
    }
  }

  private void metaChanged(String key, String value) {
    if (key.startsWith(Reactions.META_PREFIX)) {
      reactions.changedElsewhere(key.substring(Reactions.META_PREFIX.length()), value);
    } else if (key.equals(DirectoryBootstrap.META_KEY)) {
      directory.replace(DirectoryBootstrap.read(value));
      LOG.info("directory replaced by another node's seed");
    } else {
      otherMeta.accept(key, value);
    }
  }

  /**
   * Catches up from the database when other nodes fell silent (call every few hundred
   * milliseconds): they may have committed batches nobody heard of before they died or lost the
   * bus.
   */
  public void checkPeers() {
    List<String> silent = peers.fallenSilent();
    if (!silent.isEmpty()) {
      LOG.info(
          "node(s) {} not heard for {} ms (died, frozen or cut off from the bus): catching up from the database",
          silent,
          Peers.SILENCE_MILLIS);
      runtime.catchUp();
    }
  }

  @Override
  public void reconnected() {
    LOG.info("cluster bus reconnected: catching up from the database and reloading browsers");
    peers.forgetNumbers();
    runtime.catchUp().whenComplete((v, e) -> reloadViewers.run());
    bots.busReconnected();
  }
}
