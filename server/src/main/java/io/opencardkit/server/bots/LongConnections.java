package io.opencardkit.server.bots;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.Json;
import io.opencardkit.server.directory.App;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bots' open long connections and the one-time tickets that admit them. A delivery to an app goes to one of its
 * connections, in turn (Feishu's cluster mode: one client of the app receives each event), never to all.
 */
final class LongConnections implements AutoCloseable {
  /** Feishu allows at most 50 connections per app. */
  static final int MAX_PER_APP = 50;
  private static final Duration TICKET_LIFETIME = Duration.ofMinutes(5);
  private static final Logger LOG = LoggerFactory.getLogger(LongConnections.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Admission to open one connection: issued by the endpoint request, used once by the WebSocket handshake. */
  record Ticket(String id, String appId, String deviceId, int service, long expiresAtMillis) {}

  private final Vertx vertx;
  private final Clock clock;
  private final LongConnectionSettings settings;
  private final Map<String, Ticket> tickets = new ConcurrentHashMap<>();
  private final Map<String, List<LongConnectionSession>> byApp = new ConcurrentHashMap<>();
  private final AtomicInteger turn = new AtomicInteger();

  LongConnections(Vertx vertx, Clock clock, LongConnectionSettings settings) {
    this.vertx = vertx;
    this.clock = clock;
    this.settings = settings;
  }

  LongConnectionSettings settings() {
    return settings;
  }

  /** A new ticket for the app; forgets expired ones. */
  Ticket issue(App app) {
    long now = clock.millis();
    tickets.values().removeIf(t -> t.expiresAtMillis() <= now);
    Ticket ticket = new Ticket(randomHex(16), app.appId(), randomHex(8), serviceOf(app.appId()), now + TICKET_LIFETIME.toMillis());
    tickets.put(ticket.id(), ticket);
    return ticket;
  }

  /** Takes a ticket (it cannot be used twice); empty when unknown or expired. */
  Optional<Ticket> redeem(String id) {
    Ticket ticket = id == null ? null : tickets.remove(id);
    return ticket == null || ticket.expiresAtMillis() <= clock.millis() ? Optional.empty() : Optional.of(ticket);
  }

  /** Whether the app may open another connection. */
  boolean hasRoom(String appId) {
    return connections(appId).size() < MAX_PER_APP;
  }

  /** Takes over an accepted socket; call on the socket's context before it delivers anything. */
  void open(ServerWebSocket ws, Ticket ticket) {
    List<LongConnectionSession> sessions = byApp.computeIfAbsent(ticket.appId(), k -> new CopyOnWriteArrayList<>());
    LongConnectionSession[] self = new LongConnectionSession[1];
    self[0] =
        new LongConnectionSession(vertx, ws, ticket.appId(), ticket.deviceId(), ticket.service(), settings, () -> {
          sessions.remove(self[0]);
          LOG.info("long connection closed app_id={} conn_id={}", ticket.appId(), ticket.deviceId());
        });
    self[0].start();
    sessions.add(self[0]);
    LOG.info("long connection opened app_id={} conn_id={} connections={}", ticket.appId(), ticket.deviceId(), sessions.size());
  }

  /** The number of open connections of the app. */
  int count(String appId) {
    return connections(appId).size();
  }

  /** Whether the app has at least one open connection. */
  boolean connected(String appId) {
    return !connections(appId).isEmpty();
  }

  /** Delivers a payload over one of the app's connections. */
  CompletableFuture<BotReply> send(String appId, ObjectNode payload, Duration timeout) {
    List<LongConnectionSession> sessions = connections(appId);
    if (sessions.isEmpty()) {
      return CompletableFuture.failedFuture(new DeliveryFailure(DeliveryFailure.Reason.NO_ENDPOINT, "app " + appId + " has no long connection"));
    }
    LongConnectionSession session = sessions.get(Math.floorMod(turn.getAndIncrement(), sessions.size()));
    return session.send(Json.write(payload).getBytes(StandardCharsets.UTF_8), timeout);
  }

  private List<LongConnectionSession> connections(String appId) {
    return byApp.getOrDefault(appId, List.of());
  }

  /** The {@code service_id} of an app's connections: a stable positive int (the Java SDK parses it as one). */
  static int serviceOf(String appId) {
    return 1 + Math.floorMod(appId.hashCode(), 1_000_000_000);
  }

  private static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  @Override
  public void close() {
    byApp.values().forEach(list -> list.forEach(LongConnectionSession::close));
  }
}
