package io.opencardkit.server.api;

import static io.opencardkit.server.api.CardJson.array;
import static io.opencardkit.server.api.CardJson.json;
import static io.opencardkit.server.api.CardJson.markdown;
import static io.opencardkit.server.api.Replies.assertOk;
import static io.opencardkit.server.api.Replies.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.server.testkit.BotApi;
import io.opencardkit.server.testkit.MutableClock;
import io.opencardkit.server.testkit.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The card JSON checks a bot meets when it creates or replaces a card, each with its Feishu code.
 */
final class CardValidationTest {
  private final MutableClock clock = MutableClock.startingNow();
  private TestServer server;
  private BotApi bot;

  @BeforeEach
  void start() {
    server = TestServer.start(clock, Duration.ofMinutes(10));
    bot = BotApi.of(server);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void create_schemaOneOrMissing_isRefusedWith300303() throws Exception {
    assertRefused(
        bot.create(
            json("{'elements':[{'tag':'div','text':{'tag':'plain_text','content':'1.0'}}]}")),
        300303);
    assertRefused(bot.create(json("{'schema':'1.0','body':{'elements':[]}}")), 300303);
    assertRefused(bot.create(json("{'schema':2.0,'body':{'elements':[]}}")), 300303);
  }

  @Test
  void create_duplicateElementId_isRefusedWith300301() throws Exception {
    assertRefused(
        bot.create(CardJson.withElements(markdown("same", "a"), markdown("same", "b"))), 300301);
    String nested =
        "{'tag':'collapsible_panel','element_id':'panel','elements':["
            + markdown("md_1", "inner")
            + "]}";
    assertRefused(bot.create(CardJson.withElements(markdown("md_1", "outer"), nested)), 300301);
  }

  @Test
  void create_invalidElementId_isRefusedWith300301() throws Exception {
    for (String id :
        new String[] {"1starts_with_digit", "has-dash", "twenty_one_characters", "中文"}) {
      assertRefused(bot.create(CardJson.withElements(markdown(id, "x"))), 300301);
    }
    assertOk(bot.create(CardJson.withElements(markdown("exactly_twenty_chars", "x"))));
  }

  @Test
  void create_moreThan200Components_isRefusedWith300305() throws Exception {
    assertOk(bot.create(CardJson.withElements(markdowns(200))));

    assertRefused(bot.create(CardJson.withElements(markdowns(201))), 300305);
  }

  @Test
  void create_largerThan30KB_isRefusedWith200860() throws Exception {
    String big = "长".repeat(11_000); // 33,000 bytes of UTF-8

    assertRefused(bot.create(CardJson.withElements(markdown("md_1", big))), 200860);
    assertOk(bot.create(CardJson.withElements(markdown("md_1", "长".repeat(10_000)))));
  }

  @Test
  void create_emptyData_isRefusedWith300307() throws Exception {
    assertRefused(bot.create(""), 300307);
    assertRefused(bot.create("   "), 300307);
  }

  @Test
  void create_updateMultiFalse_isRefusedWith300302() throws Exception {
    assertRefused(
        bot.create(json("{'schema':'2.0','config':{'update_multi':false},'body':{'elements':[]}}")),
        300302);
    assertOk(
        bot.create(json("{'schema':'2.0','config':{'update_multi':true},'body':{'elements':[]}}")));
  }

  @Test
  void create_invalidJsonOrUnknownTag_isRefusedWith200220() throws Exception {
    assertRefused(bot.create("{\"schema\":\"2.0\",\"body\":"), 200220);
    assertRefused(bot.create("[]"), 200220);
    assertRefused(
        bot.create(CardJson.withElements("{'tag':'no_such_tag','element_id':'x'}")), 200220);
    assertRefused(bot.create(CardJson.withElements("{'tag':'note','elements':[]}")), 200220);
  }

  @Test
  void create_acceptedCard_answersWithCardIdOnly() throws Exception {
    var data = assertOk(bot.create(CardJson.streaming("hello")));

    assertThat(data.getCardId()).matches("\\d{19}");
  }

  @Test
  void update_invalidReplacement_isRefusedAndKeepsTheCard() throws Exception {
    String cardId = bot.createCard(CardJson.withElements(markdown("md_1", "原样")));
    String messageId = bot.sendCardToChat(server.seed.chatId, cardId);

    assertRefused(bot.update(cardId, json("{'body':{'elements':[]}}"), 1), 300303);
    assertRefused(bot.update(cardId, "", 1), 300307);
    assertRefused(bot.update(cardId, "{oops", 1), 200220);
    assertRefused(
        bot.update(cardId, CardJson.withElements(markdown("a", "1"), markdown("a", "2")), 1),
        300301);

    assertThat(CardJson.text(bot.shownCard(messageId), "md_1")).isEqualTo("原样");
  }

  @Test
  void addElements_badElementsJson_isRefusedWith10002() throws Exception {
    String cardId = bot.createCard(CardJson.withElements(markdown("md_1", "x")));

    assertRefused(bot.addElements(cardId, "append", null, "[{\"tag\":", 1), 10002);
    assertRefused(bot.addElements(cardId, "append", null, "[]", 1), 10002);
    assertRefused(bot.addElements(cardId, "append", null, "[42]", 1), 10002);
    assertRefused(bot.updateElement(cardId, "md_1", "not json", 1), 10002);
    assertRefused(bot.patchElement(cardId, "md_1", "[1]", 1), 10002);
  }

  @Test
  void addElements_unknownTagOrInvalidId_isRefused() throws Exception {
    String cardId = bot.createCard(CardJson.withElements(markdown("md_1", "x")));

    assertRefused(
        bot.addElements(cardId, "append", null, array("{'tag':'blink','element_id':'b'}"), 1),
        200220);
    assertRefused(
        bot.addElements(cardId, "append", null, array(markdown("9lives", "x")), 1), 300301);
    assertRefused(bot.addElements(cardId, "append", null, array(markdowns(200)), 1), 300305);
  }

  private static String[] markdowns(int count) {
    List<String> elements = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      elements.add(markdown("m" + i, "第" + i + "段"));
    }
    return elements.toArray(String[]::new);
  }
}
