package io.opencardkit.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.opencardkit.core.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The request deadlines on a connection's pipeline as Vert.x builds it (decoder, encoder, Vert.x's
 * handler last), with Netty's embedded channel: its time moves only when the test says, so every
 * deadline is checked just before and just after it falls due.
 */
final class RequestDeadlinesTest {
  private static final Duration HEADER = Duration.ofSeconds(10);
  private static final Duration BODY = Duration.ofSeconds(60);
  private static final Duration HANDSHAKE = Duration.ofSeconds(5);

  private final ConnectionGuard.Counters counters = new ConnectionGuard.Counters();
  private final List<HttpObject> delivered = new ArrayList<>(); // what reached "Vert.x"
  private final EmbeddedChannel channel = new EmbeddedChannel();

  RequestDeadlinesTest() {
    channel.freezeTime();
    channel.pipeline().addLast("idle", new IdleStateHandler(0, 0, 60, TimeUnit.SECONDS));
    channel.pipeline().addLast("httpDecoder", new HttpRequestDecoder());
    channel.pipeline().addLast("httpEncoder", new HttpResponseEncoder());
    channel
        .pipeline()
        .addLast(
            "handler",
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                delivered.add((HttpObject) msg);
                ReferenceCountUtil.release(msg);
              }
            });
    RequestDeadlines.install(
        channel, new RequestDeadlines.Settings(HEADER, BODY, HANDSHAKE, counters));
  }

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  private void send(String text) {
    channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
  }

  private void advance(Duration by) {
    channel.advanceTimeBy(by.toMillis(), TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    channel.runPendingTasks();
  }

  /** Everything the server wrote to the client, as text. */
  private String written() {
    StringBuilder out = new StringBuilder();
    for (Object o = channel.readOutbound(); o != null; o = channel.readOutbound()) {
      ByteBuf buf = (ByteBuf) o;
      out.append(buf.toString(StandardCharsets.UTF_8));
      buf.release();
    }
    return out.toString();
  }

  private static JsonNode body(String response) {
    return Json.parseOrNull(response.substring(response.indexOf("\r\n\r\n") + 4));
  }

  @Test
  void headers_notCompleteWithinTheHeaderTimeout_areAnswered408AndTheConnectionCloses() {
    send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-a: ");
    advance(HEADER.minusMillis(1));
    assertThat(channel.isActive()).isTrue();

    advance(Duration.ofMillis(1));

    String response = written();
    assertThat(response)
        .startsWith("HTTP/1.1 408 Request Timeout\r\n")
        .contains("Connection: close");
    assertThat(body(response).path("code").asInt()).isEqualTo(10002);
    assertThat(body(response).path("msg").asText()).contains("--header-timeout");
    assertThat(channel.isActive()).isFalse();
    assertThat(delivered).isEmpty();
    assertThat(counters.headerTimeouts()).isEqualTo(1);
  }

  @Test
  void headerDeadline_isADeadline_notAnIdleTimeout_soTricklingBytesDoNotExtendIt() {
    send("GET /healthz HTTP/1.1\r\n");
    for (int i = 0; i < 9; i++) {
      advance(Duration.ofSeconds(1));
      send("X-" + i + ": y\r\n");
    }
    assertThat(channel.isActive()).isTrue();

    advance(Duration.ofSeconds(1));

    assertThat(written()).startsWith("HTTP/1.1 408");
    assertThat(channel.isActive()).isFalse();
  }

  @Test
  void completeRequests_withPausesLongerThanTheHeaderTimeoutBetweenThem_areServed() {
    for (int i = 0; i < 3; i++) {
      send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
      respond(HttpResponseStatus.OK);
      advance(
          HEADER.multipliedBy(
              3)); // idle between requests: the idle timeout's business, not the header deadline's
    }

    assertThat(channel.isActive()).isTrue();
    assertThat(delivered).hasSize(6); // each request's head and its (empty) end
    assertThat(counters.headerTimeouts()).isZero();
  }

  @Test
  void body_notCompleteWithinTheBodyTimeout_isAnswered408() {
    send(
        "POST /open-apis/cardkit/v1/cards HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"type\":");
    advance(HEADER.plusSeconds(1)); // the header deadline stopped with the headers
    assertThat(channel.isActive()).isTrue();
    advance(BODY.minusSeconds(HEADER.toSeconds() + 1).minusMillis(1));
    assertThat(channel.isActive()).isTrue();

    advance(Duration.ofMillis(1));

    String response = written();
    assertThat(response).startsWith("HTTP/1.1 408");
    assertThat(body(response).path("msg").asText()).contains("--body-timeout");
    assertThat(channel.isActive()).isFalse();
    assertThat(counters.bodyTimeouts()).isEqualTo(1);
  }

  @Test
  void body_thatArrivesInTime_stopsTheBodyDeadline() {
    send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab");
    advance(BODY.minusSeconds(1));
    send("cd");
    respond(HttpResponseStatus.OK);

    advance(BODY.multipliedBy(2));

    assertThat(channel.isActive()).isTrue();
    assertThat(counters.bodyTimeouts()).isZero();
  }

  @Test
  void
      body_ofALaterRequest_hasItsOwnFullTimeout_evenThoughAnEarlierRequestsDeadlineWasStillArmed() {
    // The first request's body deadline is stopped, not cancelled, when its body ends: its timer
    // still fires at 60 s
    // and must re-arm for the second request's deadline (50 s + 60 s) instead of cutting it at 60
    // s.
    send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nab");
    respond(HttpResponseStatus.OK);
    advance(Duration.ofSeconds(50));
    send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab");

    advance(
        BODY.minusSeconds(
            1)); // 109 s: past the first timer, 1 s before the second request's deadline
    assertThat(channel.isActive()).isTrue();
    assertThat(counters.bodyTimeouts()).isZero();

    advance(Duration.ofSeconds(1));

    assertThat(written()).contains("HTTP/1.1 408");
    assertThat(channel.isActive()).isFalse();
    assertThat(counters.bodyTimeouts()).isEqualTo(1);
  }

  @Test
  void webSocketUpgrade_notAnsweredWithinTheHandshakeTimeout_isAnswered503() {
    send("GET /web/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
    advance(HANDSHAKE.minusMillis(1));
    assertThat(channel.isActive()).isTrue();

    advance(Duration.ofMillis(1));

    String response = written();
    assertThat(response).startsWith("HTTP/1.1 503");
    assertThat(body(response).path("msg").asText()).contains("--ws-handshake-timeout");
    assertThat(channel.isActive()).isFalse();
    assertThat(counters.handshakeTimeouts()).isEqualTo(1);
  }

  @Test
  void webSocketUpgrade_answered101_leavesNoDeadlineNorIdleTimeoutOnTheSocket() {
    send("GET /web/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
    respond(HttpResponseStatus.SWITCHING_PROTOCOLS);
    channel.runPendingTasks();

    assertThat(channel.pipeline().get(RequestDeadlines.BYTES)).isNull();
    assertThat(channel.pipeline().get(RequestDeadlines.REQUESTS)).isNull();
    assertThat(channel.pipeline().get("idle")).as("WebSockets are kept alive by pings").isNull();
    advance(HANDSHAKE.plus(HEADER).plus(BODY));
    assertThat(channel.isActive()).isTrue();
  }

  private void respond(HttpResponseStatus status) {
    DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
    channel.writeOutbound(response);
    written();
  }
}
