package io.opencardkit.server.bots.longconnection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.Json;
import io.opencardkit.server.directory.App;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.http.Envelope;
import io.opencardkit.server.http.WebSocketHandshakes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The server side of the SDKs' long-connection clients ({@code com.lark.oapi.ws.Client}, Node
 * {@code WSClient}):
 *
 * <ul>
 *   <li>{@code POST /callback/ws/endpoint} with {@code {"AppID","AppSecret"}} answers {@code
 *       {"code":0,"data":{"URL":"ws://<host the bot
 *       used>/callback/ws?ticket=…&device_id=…&service_id=…", "ClientConfig":{…}}}}. A wrong app or
 *       secret answers {@code code} 514, which the SDKs treat as final.
 *   <li>{@code GET /callback/ws?ticket=…} upgrades to the WebSocket carrying {@link Frame}s. A bad
 *       ticket is refused with 403 and {@code handshake-status: 403}; an app already holding
 *       {@value LongConnections#MAX_PER_APP} connections with {@code handshake-status: 514} and
 *       {@code handshake-autherrcode: 1000040350}, the headers the SDKs read.
 * </ul>
 *
 * The SDKs build the endpoint URL from their {@code domain}, so {@code .domain(baseUrl)} is all a
 * bot changes.
 */
public final class LongConnectionApi {
  static final String ENDPOINT = "/callback/ws/endpoint";
  static final String SOCKET = "/callback/ws";
  static final int AUTH_FAILED = 514;
  static final int EXCEEDED_CONNECTIONS = 1000040350;

  private final Supplier<Directory> directory;
  private final LongConnections connections;
  private final LongConnectionLiveness liveness; // null: connections are not pinged

  public LongConnectionApi(Supplier<Directory> directory, LongConnections connections) {
    this(directory, connections, null);
  }

  private LongConnectionApi(
      Supplier<Directory> directory, LongConnections connections, LongConnectionLiveness liveness) {
    this.directory = directory;
    this.connections = connections;
    this.liveness = liveness;
  }

  /**
   * The API whose connections are pinged when silent for {@code pingInterval} (on {@code clock})
   * and dropped when a ping goes unanswered as long again (see {@link LongConnectionLiveness}).
   */
  public LongConnectionApi withLiveness(Clock clock, Duration pingInterval) {
    return new LongConnectionApi(
        directory, connections, new LongConnectionLiveness(clock, pingInterval));
  }

  /** Mounts the endpoint and the socket; before the front door's catch-all. */
  public void mount(Router router) {
    router
        .post(ENDPOINT)
        .handler(BodyHandler.create().setBodyLimit(64 * 1024).setHandleFileUploads(false));
    router.post(ENDPOINT).handler(this::endpoint);
    router.get(SOCKET).handler(this::socket);
  }

  private void endpoint(RoutingContext ctx) {
    Buffer buffer = ctx.body() == null ? null : ctx.body().buffer();
    JsonNode body =
        buffer == null ? null : Json.parseOrNull(buffer.toString(StandardCharsets.UTF_8));
    String appId = body == null ? null : body.path("AppID").asText(null);
    String secret = body == null ? null : body.path("AppSecret").asText(null);
    Optional<App> app = directory.get().app(appId);
    if (app.isEmpty()
        || secret == null
        || !MessageDigest.isEqual(bytes(secret), bytes(app.get().appSecret()))) {
      // An empty data object: the Node SDK destructures data.URL before it looks at the code.
      ObjectNode refused =
          Json.object().put("code", AUTH_FAILED).put("msg", "app_id or app_secret is wrong");
      refused.putObject("data");
      Envelope.send(ctx, 200, refused);
      return;
    }
    LongConnections.Ticket ticket = connections.issue(app.get());
    HostAndPort authority = ctx.request().authority();
    String host =
        authority == null
            ? ctx.request().localAddress().host() + ":" + ctx.request().localAddress().port()
            : authority.toString();
    // Node's SDK parses the whole URL as a query string: the first parameter's name is spoiled, so
    // it is the ticket.
    String url =
        (ctx.request().isSSL() ? "wss://" : "ws://")
            + host
            + SOCKET
            + "?ticket="
            + ticket.id()
            + "&device_id="
            + ticket.deviceId()
            + "&service_id="
            + ticket.service();
    ObjectNode data = Json.object().put("URL", url);
    data.set("ClientConfig", connections.settings().clientConfig());
    ObjectNode answer = Json.object().put("code", 0).put("msg", "ok");
    answer.set("data", data);
    Envelope.send(ctx, 200, answer);
  }

  private void socket(RoutingContext ctx) {
    String malformed = WebSocketHandshakes.problem(ctx.request()); // before the ticket is used up
    if (malformed != null) {
      refuseHandshake(ctx, 400, null, malformed);
      return;
    }
    Optional<LongConnections.Ticket> ticket = connections.redeem(ctx.queryParams().get("ticket"));
    if (ticket.isEmpty()) {
      refuseHandshake(ctx, 403, null, "unknown or expired ticket: request " + ENDPOINT + " again");
      return;
    }
    if (!connections.hasRoom(ticket.get().appId())) {
      refuseHandshake(
          ctx,
          AUTH_FAILED,
          EXCEEDED_CONNECTIONS,
          "app "
              + ticket.get().appId()
              + " already has "
              + LongConnections.MAX_PER_APP
              + " connections");
      return;
    }
    io.netty.channel.Channel channel =
        ((HttpServerConnection) ctx.request().connection()).channelHandlerContext().channel();
    ctx.request()
        .toWebSocket()
        .onSuccess(
            ws -> {
              // Watched before it counts as open: its silence is timed from before anyone can see
              // it connected (a test
              // that waits for the count and then moves the clock relied on that, and failed once
              // on a loaded machine).
              if (liveness != null) {
                liveness.watch(ctx.vertx(), ws, channel, ticket.get().appId());
              }
              connections.open(ws, ticket.get());
            })
        .onFailure(e -> refuseHandshake(ctx, 400, null, "not a WebSocket handshake"));
  }

  private static void refuseHandshake(
      RoutingContext ctx, int status, Integer authCode, String message) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response()
        .putHeader("handshake-status", Integer.toString(status))
        .putHeader("handshake-msg", message);
    if (authCode != null) {
      ctx.response().putHeader("handshake-autherrcode", authCode.toString());
    }
    Envelope.send(ctx, 403, Json.object().put("code", status).put("msg", message));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
