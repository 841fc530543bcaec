package io.opencardkit.server.bots;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.lark.oapi.core.utils.Jsons;
import com.lark.oapi.google.protobuf.ByteString;
import com.lark.oapi.ws.model.ClientConfig;
import com.lark.oapi.ws.model.EndpointResp;
import com.lark.oapi.ws.pb.Pbbp2;
import io.opencardkit.core.Json;
import io.opencardkit.server.testkit.Await;
import io.opencardkit.server.testkit.MutableClock;
import io.opencardkit.server.testkit.PageSocket;
import io.opencardkit.server.testkit.TestSeed;
import io.opencardkit.server.testkit.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The long-connection protocol frame by frame, with a hand-driven client whose frames are built and
 * read with the official SDK's protobuf classes: endpoint, tickets, ping/pong, and a reply in the
 * Node SDK's form (base64 data).
 */
final class LongConnectionProtocolTest {
  private final TestSeed seed = new TestSeed();
  private final TestServer server =
      TestServer.start(seed, MutableClock.startingNow(), Duration.ofMinutes(10));
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> endpoint(String appId, String secret) throws Exception {
    String body =
        String.format(
            "{\"AppID\": \"%s\", \"AppSecret\": \"%s\"}",
            appId, secret); // as the Java SDK writes it
    return http.send(
        HttpRequest.newBuilder(URI.create(server.baseUrl() + "/callback/ws/endpoint"))
            .header("locale", "zh")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A WebSocket whose binary messages are queued as SDK frames. */
  private static final class RawClient implements WebSocket.Listener {
    final BlockingQueue<Pbbp2.Frame> frames = new LinkedBlockingQueue<>();
    private final java.io.ByteArrayOutputStream partial = new java.io.ByteArrayOutputStream();
    WebSocket ws;

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      partial.write(bytes, 0, bytes.length);
      if (last) {
        try {
          frames.add(Pbbp2.Frame.parseFrom(partial.toByteArray()));
        } catch (Exception e) {
          throw new AssertionError(e);
        }
        partial.reset();
      }
      webSocket.request(1);
      return null;
    }

    Pbbp2.Frame next() throws InterruptedException {
      Pbbp2.Frame frame = frames.poll(20, TimeUnit.SECONDS);
      if (frame == null) {
        throw new AssertionError("no frame within 20 s");
      }
      return frame;
    }

    void send(Pbbp2.Frame frame) {
      ws.sendBinary(ByteBuffer.wrap(frame.toByteArray()), true).join();
    }
  }

  private RawClient connect(String url) throws Exception {
    RawClient client = new RawClient();
    client.ws =
        http.newWebSocketBuilder().buildAsync(URI.create(url), client).get(10, TimeUnit.SECONDS);
    return client;
  }

  private static String header(Pbbp2.Frame frame, String key) {
    return frame.getHeadersList().stream()
        .filter(h -> h.getKey().equals(key))
        .map(Pbbp2.Header::getValue)
        .findFirst()
        .orElse(null);
  }

  @Test
  void endpoint_rightSecret_answersSocketUrlAndClientConfigAsTheSdkReadsThem() throws Exception {
    HttpResponse<String> response = endpoint(seed.appId, seed.appSecret);

    assertThat(response.statusCode()).isEqualTo(200);
    EndpointResp parsed = Jsons.DEFAULT.fromJson(response.body(), EndpointResp.class);
    assertThat(parsed.getCode()).isZero();
    URI url = URI.create(parsed.getData().getUrl());
    assertThat(url.getScheme()).isEqualTo("ws");
    assertThat("http://" + url.getAuthority()).isEqualTo(server.baseUrl()); // the host the bot used
    assertThat(url.getQuery()).contains("device_id=").containsPattern("service_id=\\d+");
    ClientConfig config = parsed.getData().getClientConfig();
    assertThat(config.getPingInterval()).isEqualTo(120);
    assertThat(config.getReconnectCount()).isEqualTo(-1);
    assertThat(config.getReconnectInterval()).isEqualTo(120);
    assertThat(config.getReconnectNonce()).isEqualTo(30);
  }

  @Test
  void endpoint_wrongSecret_answersCode514() throws Exception {
    JsonNode answer = Json.parseOrNull(endpoint(seed.appId, "wrong").body());

    // Any code but 0, 1 and 1000040343 makes the Java SDK's start() throw instead of retrying
    // forever.
    assertThat(answer.get("code").asInt()).isEqualTo(514);
  }

  @Test
  void ping_isAnsweredWithPongCarryingTheClientConfig() throws Exception {
    String url =
        Jsons.DEFAULT
            .fromJson(endpoint(seed.appId, seed.appSecret).body(), EndpointResp.class)
            .getData()
            .getUrl();
    RawClient client = connect(url);

    client.send(
        Pbbp2.Frame.newBuilder()
            .setSeqID(0)
            .setLogID(0)
            .setService(7)
            .setMethod(0)
            .addHeaders(Pbbp2.Header.newBuilder().setKey("type").setValue("ping"))
            .build());

    Pbbp2.Frame pong = client.next();
    assertThat(pong.getMethod()).isZero();
    assertThat(header(pong, "type")).isEqualTo("pong");
    assertThat(pong.hasPayload()).isTrue();
    assertThat(
            Jsons.DEFAULT
                .fromJson(pong.getPayload().toStringUtf8(), ClientConfig.class)
                .getPingInterval())
        .isEqualTo(120);
    client.ws.abort();
  }

  @Test
  void ticket_usedTwice_isRefusedWithTheHandshakeHeadersTheSdkReads() throws Exception {
    String url =
        Jsons.DEFAULT
            .fromJson(endpoint(seed.appId, seed.appSecret).body(), EndpointResp.class)
            .getData()
            .getUrl();
    connect(url).ws.abort();

    assertThatThrownBy(() -> connect(url))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            WebSocketHandshakeException.class,
            e -> {
              assertThat(e.getResponse().statusCode()).isEqualTo(403);
              assertThat(e.getResponse().headers().firstValue("handshake-status")).hasValue("403");
              assertThat(e.getResponse().headers().firstValue("handshake-msg")).isPresent();
            });
  }

  @Test
  void cardCallback_answeredInTheNodeSdksForm_takesEffect() throws Exception {
    String url =
        Jsons.DEFAULT
            .fromJson(endpoint(seed.appId, seed.appSecret).body(), EndpointResp.class)
            .getData()
            .getUrl();
    RawClient client = connect(url);
    Await.until(
        "the socket is registered",
        () -> server.server().bots().longConnectionCount(seed.appId) == 1);
    String cardId = Cards.create(server.client(), Cards.withButton(false));
    String messageId = Cards.sendEntity(server.client(), seed.chatId, cardId);
    try (PageSocket alice = PageSocket.signedIn(server.baseUrl(), seed.alice)) {
      var click = new Page(server.baseUrl(), seed.alice).act(messageId, Cards.CLICK);

      Pbbp2.Frame event = client.next();
      // Card callbacks travel as type=event frames: the SDKs answer no type=card frame.
      assertThat(event.getMethod()).isEqualTo(1);
      assertThat(header(event, "type")).isEqualTo("event");
      assertThat(header(event, "sum")).isEqualTo("1");
      assertThat(header(event, "seq")).isEqualTo("0");
      assertThat(header(event, "trace_id")).isNotEmpty();
      JsonNode payload = Json.parseOrNull(event.getPayload().toStringUtf8());
      assertThat(payload.get("header").get("event_type").asText()).isEqualTo("card.action.trigger");
      String result = "{\"toast\":{\"type\":\"info\",\"content\":\"from node\"}}";
      String reply =
          "{\"code\":200,\"data\":\""
              + Base64.getEncoder().encodeToString(result.getBytes(StandardCharsets.UTF_8))
              + "\"}";
      client.send(
          event.toBuilder()
              .setPayload(ByteString.copyFromUtf8(reply))
              .addHeaders(Pbbp2.Header.newBuilder().setKey("biz_rt").setValue("1"))
              .build());

      assertThat(click.get(20, TimeUnit.SECONDS).get("delivered").asBoolean()).isTrue();
      assertThat(
              alice
                  .await(f -> "toast".equals(f.path("type").asText()), Await.WAIT)
                  .get("toast")
                  .get("content")
                  .asText())
          .isEqualTo("from node");
    }
    client.ws.abort();
  }
}
