package io.opencardkit.server.bots;

import static org.assertj.core.api.Assertions.assertThat;

import com.lark.oapi.core.utils.Jsons;
import com.lark.oapi.ws.model.EndpointResp;
import com.lark.oapi.ws.pb.Pbbp2;
import io.opencardkit.server.testkit.Await;
import io.opencardkit.server.testkit.MutableClock;
import io.opencardkit.server.testkit.RawWebSocket;
import io.opencardkit.server.testkit.TestSeed;
import io.opencardkit.server.testkit.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Bots' long connections are pinged like the web chat's sockets (issue 10): a connection silent for
 * the ping interval is sent a WebSocket ping; one that answers (the SDKs' WebSocket libraries do by
 * themselves, as the JDK's client here) stays, one that stays silent another interval (a bot whose
 * machine is gone) is dropped, freeing its place among the app's 50. Time is the injected clock.
 */
final class LongConnectionLivenessTest {
  private static final Duration PING_INTERVAL = Duration.ofSeconds(30);

  private final TestSeed seed = new TestSeed();
  private final MutableClock clock = MutableClock.startingNow();
  private final TestServer server =
      TestServer.start(
          seed,
          clock,
          Duration.ofMinutes(10),
          c -> c.withServing(c.serving().withLiveness(PING_INTERVAL, Duration.ofSeconds(5))));
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    server.close();
  }

  private String socketUrl() throws Exception {
    String body =
        String.format("{\"AppID\": \"%s\", \"AppSecret\": \"%s\"}", seed.appId, seed.appSecret);
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/callback/ws/endpoint"))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return Jsons.DEFAULT.fromJson(response.body(), EndpointResp.class).getData().getUrl();
  }

  /**
   * A bot connection on the JDK's WebSocket client, which answers pings by itself; it records the
   * pings it got.
   */
  private static final class AnsweringBot implements WebSocket.Listener {
    final BlockingQueue<String> pings = new LinkedBlockingQueue<>();
    final BlockingQueue<Pbbp2.Frame> frames = new LinkedBlockingQueue<>();
    WebSocket ws;

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
      pings.add("ping");
      webSocket.request(1);
      return null; // the client answers with a pong by itself
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      try {
        frames.add(Pbbp2.Frame.parseFrom(bytes));
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      webSocket.request(1);
      return null;
    }

    /**
     * The SDK's own ping, answered by the server's pong: proof that the server has read what came
     * before it.
     */
    void pingAndAwaitPong() throws InterruptedException {
      ws.sendBinary(
              ByteBuffer.wrap(
                  Pbbp2.Frame.newBuilder()
                      .setSeqID(0)
                      .setLogID(0)
                      .setService(1)
                      .setMethod(0)
                      .addHeaders(Pbbp2.Header.newBuilder().setKey("type").setValue("ping"))
                      .build()
                      .toByteArray()),
              true)
          .join();
      assertThat(frames.poll(20, TimeUnit.SECONDS)).as("the server's pong").isNotNull();
    }
  }

  @Test
  void silentConnection_isDroppedAfterTwoIntervals_whileOneThatAnswersPingsStays()
      throws Exception {
    AnsweringBot answering = new AnsweringBot();
    answering.ws =
        http.newWebSocketBuilder()
            .buildAsync(URI.create(socketUrl()), answering)
            .get(10, TimeUnit.SECONDS);
    URI silentUrl = URI.create(socketUrl());
    try (RawWebSocket silent =
        RawWebSocket.open(
            server.baseUrl(), silentUrl.getRawPath() + "?" + silentUrl.getRawQuery(), null)) {
      assertThat(silent.status()).isEqualTo(101);
      Await.until(
          Duration.ofSeconds(30),
          () -> server.server().bots().longConnectionCount(seed.appId) == 2);

      clock.advance(PING_INTERVAL);
      assertThat(answering.pings.poll(30, TimeUnit.SECONDS))
          .as("a ping after an interval of silence")
          .isNotNull();
      assertThat(silent.read().opcode())
          .as("the silent one is pinged too (it reads, but never answers)")
          .isEqualTo(0x9);
      answering.pingAndAwaitPong(); // its pong, sent before this, has been read too
      clock.advance(PING_INTERVAL);

      Await.until(
          Duration.ofSeconds(30),
          () -> server.server().bots().longConnectionCount(seed.appId) == 1);
      assertThat(silent.drainUntilClosed()).as("the silent connection was dropped").isTrue();
      answering.pingAndAwaitPong(); // still open and served
    } finally {
      answering.ws.abort();
    }
  }
}
