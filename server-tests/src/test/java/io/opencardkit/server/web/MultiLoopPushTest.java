package io.opencardkit.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.server.ServerConfig;
import io.opencardkit.server.testkit.PageSocket;
import io.opencardkit.server.testkit.TestServer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The push's guarantees when the server serves on several event loops: sockets land on different
 * loops, yet each gets every version of every card once and in order, and a page that reconnects to
 * another loop resumes exactly. On the default transport (epoll on Linux); {@link
 * MultiLoopPushOnNioTest} runs the same on Java NIO, which other platforms get.
 */
class MultiLoopPushTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int LOOPS = 2;

  private final TestServer server =
      TestServer.start(
          Clock.systemUTC(),
          Duration.ofMinutes(10),
          c -> c.withServing(c.serving().withEventLoops(LOOPS).withTransport(transport())));

  /** The transport the server serves with. */
  ServerConfig.Transport transport() {
    return ServerConfig.Transport.NATIVE;
  }

  private final BotCalls bot = new BotCalls(server);
  private final WebClient web = new WebClient(server.baseUrl());
  private final List<PageSocket> sockets = new ArrayList<>();

  @AfterEach
  void stop() {
    sockets.forEach(PageSocket::close);
    server.close();
  }

  @Test
  void viewersOnEveryLoop_eachGetEveryVersionOfEveryCardOnceAndInOrder() throws Exception {
    Map<PageSocket, String> users = new HashMap<>();
    while (!everyLoopServes(2)) {
      assertThat(sockets).as("sockets opened before every loop served two").hasSizeLessThan(20);
      String user = sockets.size() % 2 == 0 ? server.seed.alice : server.seed.bob;
      users.put(open(user), user);
    }
    List<String> cards = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String cardId = bot.createCard(BotCalls.STREAMING_CARD);
      bot.sendCard("chat_id", server.seed.chatId, cardId);
      cards.add(cardId);
    }
    Map<PageSocket, PageModel> pages = new HashMap<>();
    for (PageSocket socket : sockets) {
      PageModel page = new PageModel();
      StringBuilder resume = new StringBuilder("{");
      for (String cardId : cards) {
        long loaded = web.loadedVersion(server.seed.chatId, "user=" + users.get(socket), cardId);
        page.hold(cardId, loaded, "");
        resume
            .append(resume.length() > 1 ? "," : "")
            .append('"')
            .append(cardId)
            .append("\":")
            .append(loaded);
      }
      socket.resume(resume.append('}').toString());
      pages.put(socket, page);
    }

    StringBuilder text = new StringBuilder();
    for (int sequence = 1; sequence <= 40; sequence++) {
      text.append(" word").append(sequence);
      for (String cardId : cards) {
        bot.contentOk(cardId, text.toString(), sequence);
      }
    }
    for (String cardId : cards) {
      bot.streamingOff(cardId, 41);
    }

    for (PageSocket socket : sockets) {
      for (String cardId : cards) {
        long last = bot.version(cardId);
        socket.await(
            f -> cardId.equals(f.path("card_id").asText()) && f.path("version").asLong() == last,
            WAIT,
            "of version " + last);
      }
      PageModel page = pages.get(socket);
      page.applyAll(socket.frames());
      assertThat(page.violations()).as("gaps or repeats").isEmpty();
      for (String cardId : cards) {
        assertThat(page.text(cardId)).isEqualTo(bot.text(cardId));
        assertThat(page.version(cardId)).isEqualTo(bot.version(cardId));
      }
    }
  }

  @Test
  void pageReconnectingToAnotherLoop_resumesWithExactlyTheFramesItMissed() throws Exception {
    String cardId = bot.createCard(BotCalls.STREAMING_CARD);
    bot.sendCard("chat_id", server.seed.chatId, cardId);
    long loaded = web.loadedVersion(server.seed.chatId, "user=" + server.seed.alice, cardId);
    Map<String, Integer> before = viewersPerLoop();
    PageSocket first = open(server.seed.alice);
    String firstLoop = loopThatGained(before);
    first.resumeAndAwait(cardId, loaded);
    StringBuilder text = new StringBuilder();
    int sequence = 0;
    for (; sequence < 10; sequence++) {
      text.append(" a").append(sequence);
      bot.contentOk(cardId, text.toString(), sequence + 1);
    }
    long heldVersion = bot.version(cardId);
    first.await(
        f -> cardId.equals(f.path("card_id").asText()) && f.path("version").asLong() == heldVersion,
        WAIT,
        "of version " + heldVersion);
    PageModel page = new PageModel();
    page.hold(cardId, loaded, "");
    page.applyAll(first.frames());
    first.close();
    sockets.remove(first);

    for (; sequence < 20; sequence++) { // while the page is away
      text.append(" b").append(sequence);
      bot.contentOk(cardId, text.toString(), sequence + 1);
    }
    PageSocket second = null;
    while (second == null) {
      assertThat(sockets)
          .as("sockets opened before one landed on another loop")
          .hasSizeLessThan(10);
      Map<String, Integer> now = viewersPerLoop();
      PageSocket socket = open(server.seed.alice);
      if (!Objects.equals(loopThatGained(now), firstLoop)) {
        second = socket;
      }
    }
    second.resume("{\"" + cardId + "\":" + page.version(cardId) + "}");
    for (; sequence < 30; sequence++) {
      text.append(" c").append(sequence);
      bot.contentOk(cardId, text.toString(), sequence + 1);
    }
    long last = bot.version(cardId);
    second.await(
        f -> cardId.equals(f.path("card_id").asText()) && f.path("version").asLong() == last,
        WAIT,
        "of version " + last);

    List<JsonNode> frames = second.frames();
    JsonNode firstCardFrame =
        frames.stream()
            .filter(f -> cardId.equals(f.path("card_id").asText()))
            .findFirst()
            .orElseThrow();
    assertThat(firstCardFrame.path("version").asLong())
        .as("the first frame after the resume")
        .isEqualTo(heldVersion + 1);
    assertThat(firstCardFrame.path("type").asText()).isEqualTo("card");
    page.applyAll(frames);
    assertThat(page.violations()).isEmpty();
    assertThat(page.text(cardId)).isEqualTo(bot.text(cardId)).isEqualTo(text.toString());
  }

  private PageSocket open(String user) throws Exception {
    PageSocket socket = PageSocket.open(server.baseUrl(), "user=" + user, false);
    sockets.add(socket);
    socket.await(
        f -> "hello".equals(f.path("type").asText()),
        WAIT,
        "hello"); // registered on its loop by then
    return socket;
  }

  private Map<String, Integer> viewersPerLoop() {
    return server.server().web().viewersPerLoop();
  }

  private boolean everyLoopServes(int viewers) {
    Map<String, Integer> perLoop = viewersPerLoop();
    return perLoop.size() == LOOPS && perLoop.values().stream().allMatch(n -> n >= viewers);
  }

  private String loopThatGained(Map<String, Integer> before) {
    for (Map.Entry<String, Integer> entry : viewersPerLoop().entrySet()) {
      if (entry.getValue() > before.getOrDefault(entry.getKey(), 0)) {
        return entry.getKey();
      }
    }
    throw new AssertionError("no loop gained a viewer: " + before + " → " + viewersPerLoop());
  }
}
