package io.opencardkit.server.bots.longconnection;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds bots' long connections that died without closing (a machine gone, a cable pulled, a NAT
 * that forgot them): a connection silent for the ping interval is sent a WebSocket ping, which the
 * SDKs' WebSocket libraries answer by themselves (OkHttp, Node's ws, gorilla, websockets); if it
 * still sends nothing within another interval it is dropped with a TCP reset, so deliveries stop
 * going to it and its app's connection count is freed. The same rule as the web chat's sockets
 * ({@code --ws-ping-interval}).
 *
 * <p>Anything read counts as a sign of life: the SDK's own pings (every {@code PingInterval}),
 * replies, pongs. Times come from the injected clock, read on a once-a-second tick on the
 * connection's event loop, where reads are seen too.
 */
final class LongConnectionLiveness {
  private static final Logger LOG = LoggerFactory.getLogger(LongConnectionLiveness.class);
  private static final long TICK_MILLIS = 1000;
  private static final String HANDLER = "okcBotHeard";

  private final Clock clock;
  private final Duration interval;

  LongConnectionLiveness(Clock clock, Duration interval) {
    this.clock = clock;
    this.interval = interval;
  }

  /** Watches an upgraded connection; call on its event loop. */
  void watch(Vertx vertx, ServerWebSocket ws, Channel channel, String appId) {
    Watch watch = new Watch(ws, channel, appId, clock.millis());
    channel
        .pipeline()
        .addFirst(
            HANDLER,
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                watch.heard();
                ctx.fireChannelRead(msg);
              }
            });
    long timer = vertx.setPeriodic(TICK_MILLIS, id -> watch.tick());
    channel.closeFuture().addListener(closed -> vertx.cancelTimer(timer));
  }

  private final class Watch {
    private final ServerWebSocket ws;
    private final Channel channel;
    private final String appId;
    private volatile long heardAt;
    private volatile long pingedAt; // 0: no ping unanswered

    Watch(ServerWebSocket ws, Channel channel, String appId, long now) {
      this.ws = ws;
      this.channel = channel;
      this.appId = appId;
      this.heardAt = now;
    }

    void heard() {
      heardAt = clock.millis();
      pingedAt = 0;
    }

    void tick() {
      if (!channel.isActive()) {
        return;
      }
      long now = clock.millis();
      long millis = interval.toMillis();
      if (pingedAt != 0 && now - pingedAt >= millis) {
        LOG.info(
            "long connection app_id={} dropped: nothing heard for {} ms, not even the answer to a ping",
            appId,
            now - heardAt);
        channel.config().setOption(ChannelOption.SO_LINGER, 0);
        // Below Vert.x's WebSocket handler (the pipeline's last), which would start a close
        // handshake and wait for it.
        channel.pipeline().lastContext().close();
        return;
      }
      if (pingedAt == 0 && now - heardAt >= millis) {
        pingedAt = now;
        try {
          ws.writePing(Buffer.buffer(Long.toString(now)));
        } catch (IllegalStateException closing) {
          // the close handler unregisters the connection
        }
      }
    }
  }
}
