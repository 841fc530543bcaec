package io.opencardkit.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.core.Json;
import io.opencardkit.server.ServerConfig;
import io.opencardkit.server.testkit.Await;
import io.opencardkit.server.testkit.PageSocket;
import io.opencardkit.server.testkit.RawWebSocket;
import io.opencardkit.server.testkit.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * permessage-deflate as browsers meet it: Chromium offers {@value #CHROMIUM_OFFER}. With shared
 * compression the server answers without context takeover in both directions, and every socket gets
 * the same compressed bytes, each frame inflating on its own.
 */
final class SharedDeflateTest {
  private static final String CHROMIUM_OFFER = "permessage-deflate; client_max_window_bits";

  private TestServer server;

  @AfterEach
  void stop() {
    server.close();
  }

  private void start(ServerConfig.WsCompression compression) {
    server =
        TestServer.start(
            Clock.systemUTC(),
            Duration.ofMinutes(10),
            c -> c.withServing(c.serving().withWsCompression(compression)));
  }

  @Test
  void shared_everySocketGetsTheSameCompressedBytesAndEachFrameInflatesAlone() throws Exception {
    start(ServerConfig.WsCompression.SHARED);
    BotCalls bot = new BotCalls(server);
    String cardId = bot.createCard(BotCalls.STREAMING_CARD);
    bot.sendCard("chat_id", server.seed.chatId, cardId);
    WebClient web = new WebClient(server.baseUrl());
    try (RawWebSocket alice =
            RawWebSocket.open(
                server.baseUrl(), "/web/ws?user=" + server.seed.alice, CHROMIUM_OFFER);
        RawWebSocket bob =
            RawWebSocket.open(
                server.baseUrl(), "/web/ws?user=" + server.seed.bob, CHROMIUM_OFFER)) {
      for (RawWebSocket socket : List.of(alice, bob)) {
        assertThat(socket.status()).isEqualTo(101);
        assertThat(socket.header("Sec-WebSocket-Extensions"))
            .contains("permessage-deflate")
            .contains("server_no_context_takeover")
            .contains("client_no_context_takeover");
        RawWebSocket.Frame hello = socket.readText();
        assertCompressedOnlyWhenShorter(hello);
        assertThat(Json.parseOrNull(hello.text()).path("type").asText()).isEqualTo("hello");
      }
      long aliceLoaded = web.loadedVersion(server.seed.chatId, "user=" + server.seed.alice, cardId);
      long bobLoaded = web.loadedVersion(server.seed.chatId, "user=" + server.seed.bob, cardId);
      // Each page says it holds one version less than it loaded, so the server answers the resume
      // with that version: once both answers are in, the resumes were handled, and every update
      // below reaches both sockets as a live (shared) frame. Updating before that would race with
      // the resume, which may then be answered with a snapshot instead.
      alice.sendText(
          "{\"type\":\"resume\",\"cards\":{\"" + cardId + "\":" + (aliceLoaded - 1) + "}}");
      bob.sendText("{\"type\":\"resume\",\"cards\":{\"" + cardId + "\":" + (bobLoaded - 1) + "}}");
      resumeAnswered(alice, aliceLoaded);
      resumeAnswered(bob, bobLoaded);
      String text = "";
      for (int sequence = 1; sequence <= 5; sequence++) {
        text += " 第" + sequence + "段 streamed words";
        bot.contentOk(cardId, text, sequence);
      }
      text += " a long paragraph that repeats itself,".repeat(12); // a frame that deflate shortens
      bot.contentOk(cardId, text, 6);
      long last = bot.version(cardId);

      List<RawWebSocket.Frame> aliceFrames = framesUntil(alice, last);
      List<RawWebSocket.Frame> bobFrames = framesUntil(bob, last);
      for (long version = Math.max(aliceLoaded, bobLoaded) + 1; version <= last; version++) {
        RawWebSocket.Frame a = compactFrame(aliceFrames, version);
        RawWebSocket.Frame b = compactFrame(bobFrames, version);
        assertCompressedOnlyWhenShorter(a);
        assertThat(a.rsv1()).isEqualTo(b.rsv1());
        assertThat(a.payload())
            .as("the same bytes for both sockets, version " + version)
            .isEqualTo(b.payload());
        JsonNode compact = Json.parseOrNull(a.text());
        assertThat(compact.isArray()).isTrue();
        assertThat(compact.get(1).asLong()).isEqualTo(version);
      }
      assertThat(compactFrame(aliceFrames, last).rsv1())
          .as("the long paragraph's frame is compressed")
          .isTrue();
      assertThat(server.server().web().stats().sharedDeflateConnections()).isEqualTo(2);
    }
  }

  /**
   * RFC 7692 lets a sender leave a message uncompressed: the server compresses exactly the frames
   * that deflate (alone, without context) to fewer bytes than their text, and sends the others as
   * they are with RSV1 clear.
   */
  private static void assertCompressedOnlyWhenShorter(RawWebSocket.Frame frame) {
    byte[] text = frame.text().getBytes(StandardCharsets.UTF_8);
    if (frame.rsv1()) {
      assertThat(frame.payload().length)
          .as("compressed, so shorter: " + frame.text())
          .isLessThan(text.length);
    } else {
      assertThat(deflatedAloneLength(text))
          .as("sent as it is, so deflate would not shorten: " + frame.text())
          .isGreaterThanOrEqualTo(text.length);
    }
  }

  /**
   * The length of permessage-deflate's payload for {@code text} without context (the 00 00 ff ff
   * tail removed).
   */
  private static int deflatedAloneLength(byte[] text) {
    Deflater deflater = new Deflater(6, true);
    try {
      deflater.setInput(text);
      byte[] out = new byte[text.length * 2 + 64];
      return deflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH) - 4;
    } finally {
      deflater.end();
    }
  }

  @Test
  void perSocket_keepsContextTakeover() throws Exception {
    start(ServerConfig.WsCompression.PER_SOCKET);
    try (RawWebSocket alice =
        RawWebSocket.open(server.baseUrl(), "/web/ws?user=" + server.seed.alice, CHROMIUM_OFFER)) {
      assertThat(alice.header("Sec-WebSocket-Extensions"))
          .contains("permessage-deflate")
          .doesNotContain("no_context_takeover");
      assertThat(alice.readText().rsv1()).isTrue();
      assertThat(server.server().web().stats().sharedDeflateConnections()).isZero();
    }
  }

  @Test
  void pageSocketLikeChromium_seesTheFramesOfAPageWithoutCompression_inFewerBytes()
      throws Exception {
    start(ServerConfig.WsCompression.SHARED);
    BotCalls bot = new BotCalls(server);
    String cardId = bot.createCard(BotCalls.STREAMING_CARD);
    bot.sendCard("chat_id", server.seed.chatId, cardId);
    long loaded =
        new WebClient(server.baseUrl())
            .loadedVersion(server.seed.chatId, "user=" + server.seed.alice, cardId);
    try (PageSocket chromium =
            PageSocket.openLikeChromium(server.baseUrl(), "user=" + server.seed.alice);
        PageSocket plain = PageSocket.open(server.baseUrl(), "user=" + server.seed.alice, false)) {
      assertThat(chromium.deflating()).isTrue();
      for (PageSocket page : List.of(chromium, plain)) {
        page.await(f -> "hello".equals(f.path("type").asText()), Await.WAIT, "hello");
        page.resumeAndAwait(cardId, loaded); // both pages take every update below live
      }
      String text = "";
      for (int sequence = 1; sequence <= 5; sequence++) {
        text += "第" + sequence + "段：" + "流式输出的一段比较长的文字，".repeat(8);
        bot.contentOk(cardId, text, sequence);
      }
      long last = bot.version(cardId);
      for (PageSocket page : List.of(chromium, plain)) {
        page.await(
            f -> cardId.equals(f.path("card_id").asText()) && f.path("version").asLong() == last,
            Await.WAIT,
            "of the last version");
      }
      assertThat(cardFrames(chromium)).isEqualTo(cardFrames(plain)).isNotEmpty();
      assertThat(chromium.receivedBytes()).isLessThan(plain.receivedBytes());
    }
  }

  private static List<JsonNode> cardFrames(PageSocket page) {
    return page.frames().stream().filter(f -> "card".equals(f.path("type").asText())).toList();
  }

  @Test
  void off_answersWithoutTheExtension() throws Exception {
    start(ServerConfig.WsCompression.OFF);
    try (RawWebSocket alice =
        RawWebSocket.open(server.baseUrl(), "/web/ws?user=" + server.seed.alice, CHROMIUM_OFFER)) {
      assertThat(alice.header("Sec-WebSocket-Extensions")).isNull();
      RawWebSocket.Frame hello = alice.readText();
      assertThat(hello.rsv1()).isFalse();
      assertThat(Json.parseOrNull(hello.text()).path("type").asText()).isEqualTo("hello");
    }
  }

  /**
   * Text frames until the compact frame of {@code version} (card frames arrive in version order).
   */
  private static List<RawWebSocket.Frame> framesUntil(RawWebSocket socket, long version)
      throws Exception {
    List<RawWebSocket.Frame> frames = new ArrayList<>();
    while (true) {
      RawWebSocket.Frame frame = socket.readText();
      frames.add(frame);
      JsonNode parsed = Json.parseOrNull(frame.text());
      if (parsed != null && parsed.isArray() && parsed.get(1).asLong() == version) {
        return frames;
      }
    }
  }

  /** Reads frames until one carries {@code version} of a card, as a snapshot or a compact frame. */
  private static void resumeAnswered(RawWebSocket socket, long version) throws Exception {
    while (true) {
      JsonNode parsed = Json.parseOrNull(socket.readText().text());
      if (parsed == null) {
        continue;
      }
      long carried = parsed.isArray() ? parsed.get(1).asLong() : parsed.path("version").asLong(-1);
      if (carried == version) {
        return;
      }
    }
  }

  private static RawWebSocket.Frame compactFrame(List<RawWebSocket.Frame> frames, long version) {
    return frames.stream()
        .filter(
            f -> {
              JsonNode parsed = Json.parseOrNull(f.text());
              return parsed != null && parsed.isArray() && parsed.get(1).asLong() == version;
            })
        .findFirst()
        .orElseThrow(() -> new AssertionError("no compact frame of version " + version));
  }
}
