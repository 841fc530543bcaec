package io.opencardkit.server.bots.longconnection;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.Json;
import io.opencardkit.server.bots.BotReply;
import io.opencardkit.server.bots.DeliveryFailure;
import io.opencardkit.server.bots.RandomIds;
import io.opencardkit.server.directory.App;
import io.opencardkit.server.directory.Directory;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
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
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bots' open long connections and the one-time tickets that admit them. A delivery to an app
 * goes to one of its connections, in turn (Feishu's cluster mode: one client of the app receives
 * each event), never to all.
 *
 * <p>Implementation notes: a ticket is self-contained and signed ({@code
 * <app>.<device>.<expiry>.<nonce>.<mac>}, the MAC an HMAC-SHA256 keyed with the app's secret),
 * because behind a load balancer the SDK's request for the endpoint and its WebSocket handshake may
 * reach different nodes. A ticket is single-use: the nonces redeemed are remembered until they
 * expire, here and (through {@link #redeemedElsewhere}) on every node told of them.
 */
public final class LongConnections implements AutoCloseable {
  /** Feishu allows at most 50 connections per app. */
  static final int MAX_PER_APP = 50;

  private static final Duration TICKET_LIFETIME = Duration.ofMinutes(5);
  private static final Logger LOG = LoggerFactory.getLogger(LongConnections.class);

  /**
   * Admission to open one connection: issued by the endpoint request, used once by the WebSocket
   * handshake.
   */
  record Ticket(
      String id, String appId, String deviceId, int service, long expiresAtMillis, String nonce) {}

  private final Vertx vertx;
  private final Clock clock;
  private final LongConnectionSettings settings;
  private final Supplier<Directory> directory;
  private final Map<String, Long> redeemed = new ConcurrentHashMap<>(); // nonce -> expiry
  private final Map<String, List<LongConnectionSession>> byApp = new ConcurrentHashMap<>();
  private final AtomicInteger turn = new AtomicInteger();
  private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<Ticket>> redeemListeners = new CopyOnWriteArrayList<>();

  /** Connections told the SDKs' default {@code ClientConfig}. */
  public LongConnections(Vertx vertx, Clock clock, Supplier<Directory> directory) {
    this(vertx, clock, LongConnectionSettings.DEFAULT, directory);
  }

  LongConnections(
      Vertx vertx, Clock clock, LongConnectionSettings settings, Supplier<Directory> directory) {
    this.vertx = vertx;
    this.clock = clock;
    this.settings = settings;
    this.directory = directory;
  }

  /** Runs {@code listener} whenever a connection opens or closes. */
  void onChange(Runnable listener) {
    changeListeners.add(listener);
  }

  /** Tells {@code listener} of every ticket redeemed here. */
  void onRedeem(Consumer<Ticket> listener) {
    redeemListeners.add(listener);
  }

  LongConnectionSettings settings() {
    return settings;
  }

  /** A new ticket for the app. */
  Ticket issue(App app) {
    long expires = clock.millis() + TICKET_LIFETIME.toMillis();
    String deviceId = RandomIds.hex(8);
    String nonce = RandomIds.hex(12);
    String signed = app.appId() + "." + deviceId + "." + expires + "." + nonce;
    return new Ticket(
        signed + "." + mac(app.appSecret(), signed),
        app.appId(),
        deviceId,
        serviceOf(app.appId()),
        expires,
        nonce);
  }

  /** Takes a ticket (it cannot be used twice); empty when forged, unknown, expired or used. */
  Optional<Ticket> redeem(String id) {
    Optional<Ticket> ticket = verify(id);
    if (ticket.isEmpty()
        || redeemed.putIfAbsent(ticket.get().nonce(), ticket.get().expiresAtMillis()) != null) {
      return Optional.empty();
    }
    redeemListeners.forEach(l -> l.accept(ticket.get()));
    return ticket;
  }

  /** Another node admitted a connection with this ticket nonce: it cannot be used here either. */
  void redeemedElsewhere(String nonce, long expiresAtMillis) {
    redeemed.putIfAbsent(nonce, expiresAtMillis);
  }

  private Optional<Ticket> verify(String id) {
    long now = clock.millis();
    redeemed.values().removeIf(expiry -> expiry <= now);
    String[] parts = id == null ? new String[0] : id.split("\\.", -1);
    if (parts.length != 5) {
      return Optional.empty();
    }
    Optional<App> app = directory.get().app(parts[0]);
    long expires;
    try {
      expires = Long.parseLong(parts[2]);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    String signed = parts[0] + "." + parts[1] + "." + parts[2] + "." + parts[3];
    if (app.isEmpty()
        || expires <= now
        || !MessageDigest.isEqual(bytes(mac(app.get().appSecret(), signed)), bytes(parts[4]))) {
      return Optional.empty();
    }
    return Optional.of(new Ticket(id, parts[0], parts[1], serviceOf(parts[0]), expires, parts[3]));
  }

  private static String mac(String secret, String text) {
    try {
      Mac hmac = Mac.getInstance("HmacSHA256");
      hmac.init(new SecretKeySpec(bytes(secret), "HmacSHA256"));
      return HexFormat.of().formatHex(hmac.doFinal(bytes(text)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The number of open connections of every app that has one. */
  public Map<String, Integer> counts() {
    Map<String, Integer> counts = new java.util.TreeMap<>();
    byApp.forEach(
        (appId, sessions) -> {
          if (!sessions.isEmpty()) {
            counts.put(appId, sessions.size());
          }
        });
    return counts;
  }

  /** Whether the app may open another connection. */
  boolean hasRoom(String appId) {
    return connections(appId).size() < MAX_PER_APP;
  }

  /** Takes over an accepted socket; call on the socket's context before it delivers anything. */
  void open(ServerWebSocket ws, Ticket ticket) {
    List<LongConnectionSession> sessions =
        byApp.computeIfAbsent(ticket.appId(), k -> new CopyOnWriteArrayList<>());
    LongConnectionSession[] self = new LongConnectionSession[1];
    self[0] =
        new LongConnectionSession(
            vertx,
            ws,
            ticket.appId(),
            ticket.deviceId(),
            ticket.service(),
            settings,
            () -> {
              sessions.remove(self[0]);
              LOG.info(
                  "long connection closed app_id={} conn_id={}", ticket.appId(), ticket.deviceId());
              changeListeners.forEach(Runnable::run);
            });
    self[0].start();
    sessions.add(self[0]);
    changeListeners.forEach(Runnable::run);
    LOG.info(
        "long connection opened app_id={} conn_id={} connections={}",
        ticket.appId(),
        ticket.deviceId(),
        sessions.size());
  }

  /** The number of open connections of the app. */
  public int count(String appId) {
    return connections(appId).size();
  }

  /** Whether the app has at least one open connection. */
  public boolean connected(String appId) {
    return !connections(appId).isEmpty();
  }

  /** Delivers a payload over one of the app's connections. */
  public CompletableFuture<BotReply> send(String appId, ObjectNode payload, Duration timeout) {
    List<LongConnectionSession> sessions = connections(appId);
    if (sessions.isEmpty()) {
      return CompletableFuture.failedFuture(
          new DeliveryFailure(
              DeliveryFailure.Reason.NO_ENDPOINT, "app " + appId + " has no long connection"));
    }
    LongConnectionSession session =
        sessions.get(Math.floorMod(turn.getAndIncrement(), sessions.size()));
    return session.send(Json.write(payload).getBytes(StandardCharsets.UTF_8), timeout);
  }

  private List<LongConnectionSession> connections(String appId) {
    return byApp.getOrDefault(appId, List.of());
  }

  /**
   * The {@code service_id} of an app's connections: a stable positive int (the Java SDK parses it
   * as one).
   */
  static int serviceOf(String appId) {
    return 1 + Math.floorMod(appId.hashCode(), 1_000_000_000);
  }

  @Override
  public void close() {
    byApp.values().forEach(list -> list.forEach(LongConnectionSession::close));
  }
}
