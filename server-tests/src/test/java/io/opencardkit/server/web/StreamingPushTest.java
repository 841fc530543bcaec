package io.opencardkit.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.server.testkit.PageSocket;
import io.opencardkit.server.testkit.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

final class StreamingPushTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final TestServer server = TestServer.start();
  private final BotCalls bot = new BotCalls(server);
  private final WebClient web = new WebClient(server.baseUrl());

  @AfterEach
  void stop() {
    server.close();
  }

  private PageSocket aliceSocket() throws Exception {
    PageSocket socket = PageSocket.open(server.baseUrl(), "user=" + server.seed.alice, false);
    socket.await(f -> "hello".equals(f.path("type").asText()), WAIT, "hello");
    return socket;
  }

  private static List<JsonNode> cardFrames(PageSocket socket, String cardId) {
    return socket.frames().stream()
        .filter(
            f ->
                cardId.equals(f.path("card_id").asText()) && "card".equals(f.path("type").asText()))
        .collect(Collectors.toList());
  }

  private static JsonNode version(PageSocket socket, String cardId, long version)
      throws InterruptedException {
    return socket.await(
        f -> cardId.equals(f.path("card_id").asText()) && f.path("version").asLong() == version,
        WAIT,
        "of version " + version);
  }

  private long loadedVersion(String cardId) throws Exception {
    return web.loadedVersion(server.seed.chatId, "user=" + server.seed.alice, cardId);
  }

  @Test
  void append_viewerInChat_receivesOnlyIncrementsAndEndsWithServerText() throws Exception {
    String cardId = bot.createCard(BotCalls.STREAMING_CARD);
    bot.sendCard("chat_id", server.seed.chatId, cardId);
    long loaded = loadedVersion(cardId);
    try (PageSocket alice = aliceSocket()) {
      alice.resumeAndAwait(cardId, loaded); // every update below then arrives as an increment

      String[] texts = {"Hel", "Hello", "Hello, wor", "Hello, world!"};
      for (int i = 0; i < texts.length; i++) {
        bot.contentOk(cardId, texts[i], i + 1);
      }
      long last = bot.version(cardId);
      version(alice, cardId, last);

      List<JsonNode> appends =
          cardFrames(alice, cardId).stream()
              .filter(f -> "append".equals(f.path("op").asText()))
              .collect(Collectors.toList());
      assertThat(appends)
          .extracting(f -> f.get("text").asText())
          .containsExactly("Hel", "lo", ", wor", "ld!");
      // Compact frames while streaming: no offset (the end of the text), no streaming flag,
      // deadline or preview.
      assertThat(appends)
          .allSatisfy(
              f -> assertThat(f.has("offset") || f.has("streaming") || f.has("summary")).isFalse());
      assertThat(alice.compactFrames()).isEqualTo(texts.length);
      PageModel page = new PageModel();
      page.hold(cardId, loaded, "");
      page.applyAll(alice.frames());
      assertThat(page.violations()).isEmpty();
      assertThat(page.text(cardId)).isEqualTo(bot.text(cardId)).isEqualTo("Hello, world!");
    }
  }

  @Test
  void send_viewerConnectedBeforeTheCardIsSent_getsTheCardInItsMessageAndNoSentFrame()
      throws Exception {
    try (PageSocket alice = aliceSocket()) {
      alice.resume("{}");
      String cardId = bot.createCard(BotCalls.STREAMING_CARD);
      bot.sendCard("chat_id", server.seed.chatId, cardId);
      bot.contentOk(cardId, "Hi", 1);
      version(alice, cardId, bot.version(cardId));

      JsonNode message =
          alice.await(
              f ->
                  "message".equals(f.path("type").asText())
                      && cardId.equals(f.path("message").path("card").path("card_id").asText()),
              WAIT,
              "the card's message");
      // The message holds the card as sent (version 2, or later); a "sent" card frame would only
      // repeat it, ~230 bytes per card and viewer that no page can place.
      assertThat(message.path("message").path("card").path("version").asLong())
          .isGreaterThanOrEqualTo(2);
      assertThat(cardFrames(alice, cardId))
          .extracting(f -> f.path("op").asText())
          .doesNotContain("sent")
          .containsExactly("append");
    }
  }

  @Test
  void resume_versionInsideWindow_yieldsExactlyTheMissingFrames() throws Exception {
    String cardId = bot.createCard(BotCalls.STREAMING_CARD);
    bot.sendCard("chat_id", server.seed.chatId, cardId);
    StringBuilder text = new StringBuilder();
    int sequence = 0;
    long held;
    try (PageSocket first = aliceSocket()) {
      first.resumeAndAwait(cardId, loadedVersion(cardId));
      for (int i = 0; i < 5; i++) {
        bot.contentOk(cardId, text.append("a").toString(), ++sequence);
      }
      held = bot.version(cardId);
      version(first, cardId, held);
    }
    for (int i = 0; i < 5; i++) {
      bot.contentOk(cardId, text.append("b").toString(), ++sequence);
    }

    try (PageSocket second = aliceSocket()) {
      second.resume("{\"" + cardId + "\":" + held + "}");
      version(second, cardId, held + 5);
      bot.contentOk(cardId, text.append("c").toString(), ++sequence);
      version(second, cardId, held + 6);

      // The five missed while away, then the live one: no snapshot, no gap, no repeat.
      assertThat(second.frames()).noneMatch(f -> "snapshot".equals(f.path("type").asText()));
      assertThat(cardFrames(second, cardId))
          .extracting(f -> f.get("version").asLong())
          .containsExactly(held + 1, held + 2, held + 3, held + 4, held + 5, held + 6);
      PageModel page = new PageModel();
      page.hold(cardId, held, "aaaaa");
      page.applyAll(second.frames());
      assertThat(page.violations()).isEmpty();
      assertThat(page.text(cardId)).isEqualTo(bot.text(cardId)).isEqualTo("aaaaabbbbbc");
    }
  }

  @Test
  void resume_versionOutsideWindow_yieldsOneSnapshot() throws Exception {
    String cardId = bot.createCard(BotCalls.STREAMING_CARD);
    bot.sendCard("chat_id", server.seed.chatId, cardId);
    long loaded = loadedVersion(cardId);
    StringBuilder text = new StringBuilder();
    for (int sequence = 1; sequence <= CardWindows.WINDOW_EVENTS + 10; sequence++) {
      bot.contentOk(cardId, text.append(sequence % 10).toString(), sequence);
    }
    long last = bot.version(cardId);

    try (PageSocket alice = aliceSocket()) {
      alice.resume("{\"" + cardId + "\":" + loaded + "}");
      JsonNode snapshot =
          alice.await(f -> "snapshot".equals(f.path("type").asText()), WAIT, "snapshot");
      bot.contentOk(cardId, text.append("!").toString(), CardWindows.WINDOW_EVENTS + 11);
      version(alice, cardId, last + 1);

      // More than 300 events ago is outside the window: one snapshot at the latest version, then
      // live frames only.
      assertThat(snapshot.get("version").asLong()).isEqualTo(last);
      assertThat(snapshot.get("streaming").asBoolean()).isTrue();
      assertThat(cardFrames(alice, cardId))
          .extracting(f -> f.get("version").asLong())
          .containsExactly(last + 1);
      PageModel page = new PageModel();
      page.applyAll(alice.frames());
      assertThat(page.violations()).isEmpty();
      assertThat(page.text(cardId)).isEqualTo(bot.text(cardId)).isEqualTo(text.toString());
    }
  }

  @Test
  void resume_pageAlreadyCurrent_sendsNothingForThatCard() throws Exception {
    String cardId = bot.createCard(BotCalls.STREAMING_CARD);
    bot.sendCard("chat_id", server.seed.chatId, cardId);
    bot.contentOk(cardId, "done", 1);
    long current = bot.version(cardId);

    try (PageSocket alice = aliceSocket()) {
      alice.resume("{\"" + cardId + "\":" + current + "}");
      bot.contentOk(cardId, "done!", 2);
      version(alice, cardId, current + 1);

      assertThat(alice.frames())
          .filteredOn(f -> cardId.equals(f.path("card_id").asText()))
          .extracting(f -> f.get("version").asLong())
          .containsExactly(current + 1);
    }
  }
}
