package io.opencardkit.server.api;

import static io.opencardkit.server.api.CardJson.array;
import static io.opencardkit.server.api.CardJson.bodyIds;
import static io.opencardkit.server.api.CardJson.button;
import static io.opencardkit.server.api.CardJson.text;
import static io.opencardkit.server.api.Replies.assertOk;
import static io.opencardkit.server.api.Replies.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.server.testkit.BotApi;
import io.opencardkit.server.testkit.MutableClock;
import io.opencardkit.server.testkit.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a bot relies on across a server restart: its token, its cards, their sequences, uuids and
 * streaming windows.
 */
final class RestartTest {
  private static final Duration WINDOW = Duration.ofMinutes(10);

  private final MutableClock clock = MutableClock.startingNow();
  private TestServer server;

  @BeforeEach
  void start() {
    server = TestServer.start(clock, WINDOW);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /**
   * Restarts on the same data; the port changes, so the bot reconnects, keeping the SDK's JVM-wide
   * token cache.
   */
  private BotApi restart() {
    server.restart();
    return BotApi.of(server);
  }

  @Test
  void restart_tokenIssuedBefore_isStillAccepted() throws Exception {
    String token = new RawHttp(server.baseUrl()).token(server.seed.appId, server.seed.appSecret);
    BotApi.of(server)
        .createCard(CardJson.streaming("before")); // the SDK fetches and caches its own token

    BotApi bot = restart();

    assertThat(new RawHttp(server.baseUrl()).get("/open-apis/bot/v3/info", token).code()).isZero();
    // The SDK does not fetch a new token and does not retry on 99991663: success means the cached
    // token was accepted.
    assertOk(bot.create(CardJson.streaming("after")));
  }

  @Test
  void restart_clockNotMoved_newCardsGetNewIds() throws Exception {
    BotApi bot = BotApi.of(server);
    String before = bot.createCard(CardJson.streaming("重启前的卡片"));
    String messageId = bot.sendCardToChat(server.seed.chatId, before);

    // Regression: ids came from the wall clock alone, so a restart reading the same (or an earlier)
    // time issued an
    // id again and the new card was refused with a storage error.
    bot = restart();
    String after = bot.createCard(CardJson.streaming("重启后的卡片"));

    assertThat(after).isNotEqualTo(before).matches("\\d{19}");
    if (!server.onPostgres()) {
      // One node on its own store continues after the last id it issued. Nodes sharing PostgreSQL
      // issue ids that
      // interleave (their node bits differ): unique, the store sees to it, but not increasing
      // (compatibility.md).
      assertThat(Long.parseLong(after)).isGreaterThan(Long.parseLong(before));
    }
    assertThat(text(bot.shownCard(messageId), "md_1")).isEqualTo("重启前的卡片");
  }

  @Test
  void restart_cardAndSequence_survive() throws Exception {
    BotApi bot = BotApi.of(server);
    String cardId = bot.createCard(CardJson.streaming(""));
    String messageId = bot.sendCardToChat(server.seed.chatId, cardId);
    assertOk(bot.content(cardId, "md_1", "重启前", 1));
    assertOk(bot.addElements(cardId, "append", null, array(button("btn_1", "按钮")), 2));
    JsonNode before = bot.shownCard(messageId);

    bot = restart();

    assertThat(bot.shownCard(messageId)).isEqualTo(before);
    assertRefused(bot.content(cardId, "md_1", "旧序号", 2), 300317);
    assertOk(bot.content(cardId, "md_1", "重启前，重启后", 3));
    assertThat(text(bot.shownCard(messageId), "md_1")).isEqualTo("重启前，重启后");
    // Sent once stays sent once.
    assertRefused(bot.sendCard("chat_id", server.seed.chatId, cardId), 230099);
  }

  @Test
  void restart_replayedUuid_succeedsWithoutApplyingAgain() throws Exception {
    BotApi bot = BotApi.of(server);
    String cardId = bot.createCard(CardJson.streaming(""));
    String messageId = bot.sendCardToChat(server.seed.chatId, cardId);
    assertOk(bot.content(cardId, "md_1", "Hello", 1, "req-1"));
    assertOk(bot.content(cardId, "md_1", "Hello world", 2));

    bot = restart();

    assertOk(bot.content(cardId, "md_1", "Hello", 1, "req-1"));
    assertThat(text(bot.shownCard(messageId), "md_1")).isEqualTo("Hello world");
    assertRefused(bot.content(cardId, "md_1", "Bonjour", 3, "req-1"), 200770);
    assertRefused(bot.content(cardId, "md_1", "Hello world", 2), 300317);
    assertOk(bot.content(cardId, "md_1", "Hello world!", 3));
  }

  @Test
  void restart_streamingWindow_keepsItsOriginalStart() throws Exception {
    BotApi bot = BotApi.of(server);
    String cardId = bot.createCard(CardJson.streaming(""));
    clock.advance(WINDOW.minusMinutes(1));
    assertOk(bot.content(cardId, "md_1", "第九分钟", 1));

    bot = restart();

    assertOk(bot.content(cardId, "md_1", "重启后仍在窗口内", 2));
    // The window still closes ten minutes after it opened, not ten minutes after the restart.
    clock.advance(Duration.ofMinutes(1));
    assertRefused(bot.content(cardId, "md_1", "窗口已关", 3), 200850);
    assertRefused(bot.content(cardId, "md_1", "窗口已关", 4), 300309);
  }

  @Test
  void restart_streamingWindowRanOutAroundRestart_firstCallHears200850() throws Exception {
    BotApi bot = BotApi.of(server);
    String cardId = bot.createCard(CardJson.streaming(""));
    clock.advance(WINDOW.plusMinutes(1));

    bot = restart();

    assertRefused(bot.content(cardId, "md_1", "太晚了", 1), 200850);
    assertRefused(bot.content(cardId, "md_1", "太晚了", 2), 300309);
  }

  @Test
  void restart_afterManyOperations_keepsSequencesAndUuidsOlderThanTheLastSnapshot()
      throws Exception {
    BotApi bot = BotApi.of(server);
    String cardId = bot.createCard(CardJson.streaming(""));
    String messageId = bot.sendCardToChat(server.seed.chatId, cardId);
    StringBuilder answer = new StringBuilder();
    // 150 operations: the card is stored as a snapshot plus the events after it.
    for (int seq = 1; seq <= 150; seq++) {
      answer.append(seq).append(' ');
      assertOk(bot.content(cardId, "md_1", answer.toString(), seq, "op-" + seq));
    }

    bot = restart();

    assertThat(text(bot.shownCard(messageId), "md_1")).isEqualTo(answer.toString());
    assertOk(bot.content(cardId, "md_1", "1 ", 1, "op-1")); // a replay from before the snapshot
    assertOk(
        bot.content(cardId, "md_1", answer.toString(), 150, "op-150")); // and one from after it
    assertRefused(bot.content(cardId, "md_1", "1 2 ", 2, "op-1"), 200770);
    assertRefused(bot.content(cardId, "md_1", "x", 150), 300317);
    assertThat(text(bot.shownCard(messageId), "md_1")).isEqualTo(answer.toString());
    assertOk(bot.addElements(cardId, "append", null, array(button("btn_1", "完成")), 151));
    assertThat(bodyIds(bot.shownCard(messageId))).containsExactly("md_1", "btn_1");
  }
}
