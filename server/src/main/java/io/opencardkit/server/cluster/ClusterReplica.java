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
import java.util.List;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this node does with what other nodes say on the cluster bus: their committed batches update its card cache,
 * its browsers, its previews and its directory; bot deliveries go to the dispatcher; after an outage of the bus it
 * catches up from the database and asks its browsers to reload.
 *
 * <p>Implementation notes: a batch's card events go through the card feed (in version order per card, gaps filled
 * from the store), and its messages and key/value entries are handled on the feed's thread after those events, so a
 * browser hears of a card's new version before the message that shows it, as on the node that committed them.
 */
public final class ClusterReplica implements ClusterBus.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterReplica.class);

  private final CardRuntime runtime;
  private final MessageService messages;
  private final Reactions reactions;
  private final DirectoryHolder directory;
  private final BotDispatcher bots;
  private final Runnable reloadViewers;
  private volatile BiConsumer<String, String> otherMeta = (key, value) -> {};

  public ClusterReplica(
      CardRuntime runtime, MessageService messages, Reactions reactions, DirectoryHolder directory, BotDispatcher bots,
      Runnable reloadViewers) {
    this.runtime = runtime;
    this.messages = messages;
    this.reactions = reactions;
    this.directory = directory;
    this.bots = bots;
    this.reloadViewers = reloadViewers;
  }

  /** Also hands every other key/value entry another node stored to {@code listener} (the web sign-in's). */
  public ClusterReplica alsoOnMeta(BiConsumer<String, String> listener) {
    this.otherMeta = listener;
    return this;
  }

  @Override
  public void received(String fromNode, String message) {
    JsonNode root = Json.parseOrNull(message);
    if (root == null) {
      LOG.warn("unreadable message from node {} ignored", fromNode);
      return;
    }
    try {
      if (ReplicatedBatch.TYPE.equals(root.path("t").asText())) {
        apply(ReplicatedBatch.decode(root));
      } else if (!bots.receivedFromNode(fromNode, root)) {
        LOG.debug("message of unknown type {} from node {} ignored", root.path("t").asText(), fromNode);
      }
    } catch (RuntimeException e) {
      LOG.warn("message from node {} could not be applied: {}", fromNode, e.toString());
    }
  }

  private void apply(ReplicatedBatch batch) {
    Runnable afterEvents = () -> {
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

  @Override
  public void reconnected() {
    LOG.info("cluster bus reconnected: catching up from the database and reloading browsers");
    runtime.catchUp();
    runtime.committedElsewhere(List.of(), reloadViewers); // after the catch-up, on the feed's thread
    bots.busReconnected();
  }
}
