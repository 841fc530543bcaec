package io.opencardkit.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.server.testkit.PageSocket;
import io.opencardkit.server.testkit.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

final class SlowViewerTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  /**
   * Far more than loopback buffers plus the socket's queue can hold (about 220 updates fill them
   * here).
   */
  private static final int MAX_UPDATES = 2_000;

  private static final int TEXT_CHARS = 20_000;

  private final TestServer server = TestServer.start();
  private final BotCalls bot = new BotCalls(server);

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void slowViewer_queueFills_getsSnapshotAndEndsWithExactTextWhileOthersGetEveryFrame()
      throws Exception {
    ViewerStats stats = server.server().web().stats();
    String cardId = bot.createCard(BotCalls.STREAMING_CARD);
    bot.sendCard("chat_id", server.seed.chatId, cardId);
    long loaded =
        new WebClient(server.baseUrl())
            .loadedVersion(server.seed.chatId, "user=" + server.seed.alice, cardId);
    try (PageSocket alice = PageSocket.open(server.baseUrl(), "user=" + server.seed.alice, true);
        PageSocket bob = PageSocket.open(server.baseUrl(), "user=" + server.seed.bob, false)) {
      alice.resume("{\"" + cardId + "\":" + loaded + "}");
      // Bob waits for the answer to his resume (a snapshot of the loaded version), so that no
      // update
      // races with it and is folded into it: every later frame must then reach him as a card frame
      bob.resumeAndAwait(cardId, loaded);
      int bobsResumeAnswers = bob.frames().size();

      // Each update replaces the whole text with 20,000 new characters, so each frame is ~20 KB.
      // Alice's browser reads nothing; stream until the server has skipped frames for her, and a
      // little beyond.
      int sequence = 0;
      long streamedChars = 0;
      int afterFirstSkip = 0;
      while (afterFirstSkip < 20) {
        assertThat(sequence)
            .as("updates streamed before the server skipped any frame")
            .isLessThan(MAX_UPDATES);
        String text = String.valueOf((char) ('a' + sequence % 26)).repeat(TEXT_CHARS);
        bot.contentOk(cardId, text, ++sequence);
        streamedChars += text.length();
        if (stats.deltasSkipped() > 0) {
          afterFirstSkip++;
        }
      }
      bot.contentOk(cardId, "final answer", ++sequence);
      long last = bot.version(cardId);

      alice.startReading();
      alice.await(
          f -> cardId.equals(f.path("card_id").asText()) && f.path("version").asLong() == last,
          WAIT,
          "of the last version");
      JsonNode bobsLast =
          bob.await(
              f -> cardId.equals(f.path("card_id").asText()) && f.path("version").asLong() == last,
              WAIT,
              "of the last version");

      PageModel alicePage = new PageModel();
      alicePage.hold(cardId, loaded, "");
      alicePage.applyAll(alice.frames());
      assertThat(alicePage.violations()).isEmpty();
      assertThat(alicePage.version(cardId)).isEqualTo(last);
      assertThat(alicePage.text(cardId)).isEqualTo(bot.text(cardId)).isEqualTo("final answer");
      assertThat(alice.frames()).anyMatch(f -> "snapshot".equals(f.path("type").asText()));
      // The skipped updates were never queued: Alice received far less than was streamed.
      long aliceCardFrames =
          alice.frames().stream().filter(f -> "card".equals(f.path("type").asText())).count();
      assertThat(aliceCardFrames).isLessThan(sequence);
      assertThat(alice.receivedChars()).isLessThan(streamedChars);
      assertThat(stats.snapshotsSent()).isPositive();
      assertThat(stats.slowClientsClosed()).isZero();

      // Bob kept reading: one slow browser does not hold back the others, and Bob needed no
      // snapshot.
      PageModel bobPage = new PageModel();
      bobPage.hold(cardId, loaded, "");
      bobPage.applyAll(bob.frames());
      assertThat(bobPage.violations()).isEmpty();
      assertThat(bobPage.text(cardId)).isEqualTo("final answer");
      assertThat(bobsLast.get("type").asText()).isEqualTo("card");
      assertThat(bob.frames().subList(bobsResumeAnswers, bob.frames().size()))
          .noneMatch(f -> "snapshot".equals(f.path("type").asText()));
    }
  }
}
