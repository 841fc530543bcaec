package io.opencardkit.server.api;

import static io.opencardkit.server.api.CardJson.array;
import static io.opencardkit.server.api.CardJson.json;
import static io.opencardkit.server.api.CardJson.markdown;
import static io.opencardkit.server.api.CardJson.text;
import static io.opencardkit.server.api.Replies.assertOk;
import static io.opencardkit.server.api.Replies.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import com.lark.oapi.service.cardkit.v1.model.ContentCardElementResp;
import io.opencardkit.server.testkit.BotApi;
import io.opencardkit.server.testkit.MutableClock;
import io.opencardkit.server.testkit.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code sequence} (strictly increasing per card, 300317) and {@code uuid} (replay or 200770). */
final class SequenceAndIdempotencyTest {
  private final MutableClock clock = MutableClock.startingNow();
  private TestServer server;
  private BotApi bot;
  private String cardId;
  private String messageId;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start(clock, Duration.ofMinutes(10));
    bot = BotApi.of(server);
    cardId = bot.createCard(CardJson.streaming(""));
    messageId = bot.sendCardToChat(server.seed.chatId, cardId);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void sequence_zeroOrNegative_isRefusedWith300317() throws Exception {
    ContentCardElementResp zero = bot.content(cardId, "md_1", "x", 0);

    assertRefused(zero, 300317);
    assertThat(zero.getMsg()).startsWith("sequence number compare failed");
    assertRefused(bot.content(cardId, "md_1", "x", -5), 300317);
  }

  @Test
  void sequence_equalOrSmaller_isRefusedWith300317AndKeepsTheText() throws Exception {
    assertOk(bot.content(cardId, "md_1", "第十步", 10));

    assertRefused(bot.content(cardId, "md_1", "重复", 10), 300317);
    assertRefused(bot.content(cardId, "md_1", "倒退", 9), 300317);

    assertThat(text(bot.shownCard(messageId), "md_1")).isEqualTo("第十步");
  }

  @Test
  void sequence_isSharedByAllOperationsOnTheCard() throws Exception {
    assertOk(bot.content(cardId, "md_1", "文本", 5));

    // Another endpoint continues from the same high-water mark.
    assertRefused(bot.addElements(cardId, "append", null, array(markdown("md_2", "x")), 5), 300317);
    assertOk(bot.addElements(cardId, "append", null, array(markdown("md_2", "x")), 6));
    assertRefused(bot.settings(cardId, json("{'streaming_mode':false}"), 6), 300317);
    assertRefused(bot.deleteElement(cardId, "md_2", 2), 300317);
  }

  @Test
  void sequence_refusedCall_doesNotMoveTheHighWaterMark() throws Exception {
    assertOk(bot.content(cardId, "md_1", "一", 1));

    // Refused for its sequence, and refused for another reason with a higher sequence.
    assertRefused(bot.content(cardId, "md_1", "x", 1), 300317);
    assertRefused(bot.content(cardId, "ghost", "x", 100), 300313);

    // Neither moved the mark: 2 is still the next valid sequence.
    assertOk(bot.content(cardId, "md_1", "一二", 2));
    assertThat(text(bot.shownCard(messageId), "md_1")).isEqualTo("一二");
  }

  @Test
  void sequence_largeValuesLikeTimestamps_areAccepted() throws Exception {
    // The official sample uses a Unix timestamp; the int32 maximum is the last valid value.
    assertOk(bot.content(cardId, "md_1", "时间戳", 1712578784));
    assertOk(bot.content(cardId, "md_1", "时间戳的最大值", Integer.MAX_VALUE));

    assertRefused(bot.content(cardId, "md_1", "之后再无可能", Integer.MAX_VALUE), 300317);
  }

  @Test
  void uuid_replayedRequest_succeedsWithoutApplyingAgain() throws Exception {
    assertOk(bot.content(cardId, "md_1", "Hello", 1, "req-1"));
    assertOk(bot.content(cardId, "md_1", "Hello world", 2));

    // A retry of the first call (same uuid, same body) after a later call succeeded.
    assertOk(bot.content(cardId, "md_1", "Hello", 1, "req-1"));

    assertThat(text(bot.shownCard(messageId), "md_1"))
        .as("text not rolled back")
        .isEqualTo("Hello world");
    // The replay moved the high-water mark neither back to 1 nor forward: 2 is used, 3 is next.
    assertRefused(bot.content(cardId, "md_1", "again", 2), 300317);
    assertOk(bot.content(cardId, "md_1", "Hello world!", 3));
  }

  @Test
  void uuid_replayOfStructuralCall_doesNotAddTheElementTwice() throws Exception {
    String elements = array(markdown("md_2", "只加一次"));
    assertOk(bot.addElements(cardId, "append", null, elements, 1, "add-once"));

    var retry = bot.addElements(cardId, "append", null, elements, 1, "add-once");

    assertOk(retry);
    assertThat(CardJson.bodyIds(bot.shownCard(messageId))).containsExactly("md_1", "md_2");
  }

  @Test
  void uuid_reusedForADifferentRequest_isRefusedWith200770() throws Exception {
    assertOk(bot.content(cardId, "md_1", "Hello", 1, "req-1"));

    assertRefused(bot.content(cardId, "md_1", "Bonjour", 2, "req-1"), 200770);
    assertRefused(bot.content(cardId, "md_1", "Hello", 2, "req-1"), 200770);
    assertRefused(bot.settings(cardId, json("{'streaming_mode':false}"), 2, "req-1"), 200770);

    assertThat(text(bot.shownCard(messageId), "md_1")).isEqualTo("Hello");
    // A conflict does not move the high-water mark either.
    assertOk(bot.content(cardId, "md_1", "Hello again", 2));
  }

  @Test
  void uuid_isScopedToItsCard() throws Exception {
    String otherCard = bot.createCard(CardJson.streaming(""));
    assertOk(bot.content(cardId, "md_1", "卡片一", 1, "shared-uuid"));

    // The same uuid on another card is a new request there, applied normally.
    assertOk(bot.content(otherCard, "md_1", "卡片二", 1, "shared-uuid"));
  }

  @Test
  void uuid_withAControlCharacter_isRefusedWith10002AndChangesNothing() throws Exception {
    // Regression: on PostgreSQL a uuid holding U+0000 could not be stored and the call answered
    // 503.
    assertRefused(bot.content(cardId, "md_1", "Hello", 1, "req\u0000x"), 10002);
    assertRefused(bot.content(cardId, "md_1", "Hello", 1, "tab\tbed"), 10002);

    assertOk(bot.content(cardId, "md_1", "Hello", 1)); // sequence 1 was not used
  }
}
