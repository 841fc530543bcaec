package io.opencardkit.server.bots.longconnection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.Json;
import io.opencardkit.core.bus.ClusterBus;
import io.opencardkit.server.bots.BotDispatcher;
import io.opencardkit.server.bots.BotReply;
import io.opencardkit.server.bots.DeliveryFailure;
import io.opencardkit.server.bots.RandomIds;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivery to a bot whose long connection another node holds: the node where the event or the
 * interaction happens asks that node, over the cluster bus, to deliver and to send back the bot's
 * reply.
 *
 * <p>Implementation notes:
 *
 * <ul>
 *   <li>Presence: every node broadcasts which apps have long connections on it (every {@value
 *       #ANNOUNCE_EVERY_MILLIS} ms, at once when that changes, and after the bus reconnected). A
 *       node not heard of for {@value #PRESENCE_TTL_MILLIS} ms is taken to be gone. Deliveries
 *       prefer this node's own connections; among other nodes they go in turn, as among one node's
 *       connections.
 *   <li>A relayed delivery carries the deadline the caller waits for; the holding node applies it
 *       to the bot, and the asking node gives up a little later (the reply may be lost with the
 *       bus), as {@link DeliveryFailure.Reason#TIMEOUT}.
 *   <li>Tickets redeemed on one node are announced to the others, so a ticket cannot be used twice
 *       in the cluster.
 *   <li>Liveness is measured with a monotonic clock ({@code System.nanoTime}): it is about the
 *       network, not about the engine's time that tests move.
 * </ul>
 */
public final class BotRelay implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BotRelay.class);
  static final long ANNOUNCE_EVERY_MILLIS = 5_000;
  static final long PRESENCE_TTL_MILLIS = 15_000;
  private static final long REPLY_MARGIN_MILLIS = 1_000;

  private record Presence(Map<String, Integer> apps, long seenAtNanos) {}

  private final ClusterBus bus;
  private final Vertx vertx;
  private final LongConnections connections;
  private final LongSupplier nanos;
  private final Map<String, Presence> nodes = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<BotReply>> pending = new ConcurrentHashMap<>();
  private final AtomicInteger turn = new AtomicInteger();
  private final long timerId;

  public BotRelay(ClusterBus bus, Vertx vertx, LongConnections connections, LongSupplier nanos) {
    this.bus = bus;
    this.vertx = vertx;
    this.connections = connections;
    this.nanos = nanos;
    connections.onChange(this::announce);
    connections.onRedeem(
        ticket ->
            bus.broadcast(
                Json.write(
                    Json.object()
                        .put("t", "ticket")
                        .put("nonce", ticket.nonce())
                        .put("expires", ticket.expiresAtMillis()))));
    this.timerId = vertx.setPeriodic(ANNOUNCE_EVERY_MILLIS, id -> announce());
  }

  /** Another node that holds a long connection of the app, if any is known to be alive. */
  public Optional<String> nodeFor(String appId) {
    long now = nanos.getAsLong();
    List<String> holders = new ArrayList<>();
    nodes.forEach(
        (node, presence) -> {
          if (now - presence.seenAtNanos() < PRESENCE_TTL_MILLIS * 1_000_000
              && presence.apps().getOrDefault(appId, 0) > 0) {
            holders.add(node);
          }
        });
    if (holders.isEmpty()) {
      return Optional.empty();
    }
    holders.sort(null);
    return Optional.of(holders.get(Math.floorMod(turn.getAndIncrement(), holders.size())));
  }

  /** Asks {@code node} to deliver {@code payload} over the app's long connection there. */
  public CompletableFuture<BotReply> deliver(
      String node, String appId, ObjectNode payload, Duration timeout) {
    String id = RandomIds.hex(12);
    CompletableFuture<BotReply> reply = new CompletableFuture<>();
    pending.put(id, reply);
    long timer =
        vertx.setTimer(
            timeout.toMillis() + REPLY_MARGIN_MILLIS,
            t -> {
              if (pending.remove(id) != null) {
                reply.completeExceptionally(
                    new DeliveryFailure(
                        DeliveryFailure.Reason.TIMEOUT,
                        "node " + node + " did not report the bot's answer in time"));
              }
            });
    reply.whenComplete((r, e) -> vertx.cancelTimer(timer));
    ObjectNode request =
        Json.object()
            .put("t", "deliver")
            .put("id", id)
            .put("app", appId)
            .put("timeout", timeout.toMillis());
    request.set("payload", payload);
    bus.send(node, Json.write(request));
    return reply;
  }

  /**
   * A message of the relay's kinds from another node (called on the bus's thread); false for other
   * kinds.
   */
  public boolean received(String fromNode, JsonNode message) {
    switch (message.path("t").asText()) {
      case "presence":
        presence(fromNode, message);
        return true;
      case "deliver":
        deliverHere(fromNode, message);
        return true;
      case "delivered":
        delivered(message);
        return true;
      case "ticket":
        connections.redeemedElsewhere(
            message.path("nonce").asText(), message.path("expires").asLong());
        return true;
      default:
        return false;
    }
  }

  /** Tells the other nodes which apps have long connections here. */
  public void announce() {
    ObjectNode message = Json.object().put("t", "presence");
    ObjectNode apps = message.putObject("apps");
    connections.counts().forEach(apps::put);
    bus.broadcast(Json.write(message));
  }

  private void presence(String fromNode, JsonNode message) {
    Map<String, Integer> apps = new java.util.HashMap<>();
    message.path("apps").fields().forEachRemaining(e -> apps.put(e.getKey(), e.getValue().asInt()));
    Presence before = nodes.put(fromNode, new Presence(Map.copyOf(apps), nanos.getAsLong()));
    if (before == null) {
      LOG.info("node {} joined: long connections {}", fromNode, apps);
      announce(); // a node that just started has not heard of this one yet
    }
  }

  private void deliverHere(String fromNode, JsonNode request) {
    String id = request.path("id").asText();
    String appId = request.path("app").asText();
    Duration timeout =
        Duration.ofMillis(
            Math.max(1, request.path("timeout").asLong(BotDispatcher.DEADLINE.toMillis())));
    JsonNode payload = request.get("payload");
    if (!(payload instanceof ObjectNode)) {
      return;
    }
    connections
        .send(appId, (ObjectNode) payload, timeout)
        .whenComplete(
            (reply, failure) -> {
              ObjectNode answer = Json.object().put("t", "delivered").put("id", id);
              if (failure == null) {
                answer.put("status", reply.status()).put("body", reply.body());
              } else {
                DeliveryFailure f = DeliveryFailure.of(failure);
                answer.put("failure", f.reason().name()).put("msg", f.getMessage());
              }
              bus.send(fromNode, Json.write(answer));
            });
  }

  private void delivered(JsonNode answer) {
    CompletableFuture<BotReply> reply = pending.remove(answer.path("id").asText());
    if (reply == null) {
      return; // too late: the caller gave up
    }
    if (answer.has("failure")) {
      DeliveryFailure.Reason reason;
      try {
        reason = DeliveryFailure.Reason.valueOf(answer.path("failure").asText());
      } catch (IllegalArgumentException e) {
        reason = DeliveryFailure.Reason.UNREACHABLE;
      }
      reply.completeExceptionally(new DeliveryFailure(reason, answer.path("msg").asText()));
    } else {
      reply.complete(new BotReply(answer.path("status").asInt(), answer.path("body").asText("")));
    }
  }

  /** Stops announcing and tells the other nodes that this one holds no connection any more. */
  @Override
  public void close() {
    vertx.cancelTimer(timerId);
    bus.broadcast(Json.write(Json.object().put("t", "presence").set("apps", Json.object())));
  }
}
