package io.opencardkit.server.api;

import static io.opencardkit.server.api.CardJson.array;
import static io.opencardkit.server.api.CardJson.bodyIds;
import static io.opencardkit.server.api.CardJson.button;
import static io.opencardkit.server.api.CardJson.element;
import static io.opencardkit.server.api.CardJson.ids;
import static io.opencardkit.server.api.CardJson.json;
import static io.opencardkit.server.api.CardJson.markdown;
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
 * The element APIs: add (before, after, append, into containers), update, patch and delete, as the
 * message shows.
 */
final class ElementOperationsTest {
  private static final String COLUMNS =
      "{'tag':'column_set','element_id':'cs_1','columns':[{'tag':'column','element_id':'col_1','elements':["
          + markdown("in_col", "左栏")
          + "]}]}";
  private static final String PANEL =
      "{'tag':'collapsible_panel','element_id':'panel_1','header':{'title':{'tag':'plain_text','content':'详情'}},"
          + "'elements':["
          + markdown("in_panel", "折叠内容")
          + "]}";

  private final MutableClock clock = MutableClock.startingNow();
  private TestServer server;
  private BotApi bot;
  private String cardId;
  private String messageId;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start(clock, Duration.ofMinutes(10));
    bot = BotApi.of(server);
    cardId =
        bot.createCard(
            CardJson.withElements(
                markdown("md_1", "第一段"), markdown("md_2", "第二段"), COLUMNS, PANEL));
    messageId = bot.sendCardToChat(server.seed.chatId, cardId);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void addElements_beforeAfterAndAppend_placeComponentsWhereAsked() throws Exception {
    assertOk(bot.addElements(cardId, "insert_before", "md_1", array(markdown("first", "最前")), 1));
    assertOk(
        bot.addElements(
            cardId,
            "insert_after",
            "md_1",
            array(markdown("a1", "之后一"), markdown("a2", "之后二")),
            2));
    assertOk(bot.addElements(cardId, "append", null, array(button("last", "最后")), 3));

    assertThat(bodyIds(bot.shownCard(messageId)))
        .containsExactly("first", "md_1", "a1", "a2", "md_2", "cs_1", "panel_1", "last");
  }

  @Test
  void addElements_appendIntoColumnAndColumnSet_nestsThem() throws Exception {
    assertOk(bot.addElements(cardId, "append", "col_1", array(markdown("col_md", "左栏追加")), 1));
    String column =
        "{'tag':'column','element_id':'col_2','elements':[" + markdown("right", "右栏") + "]}";
    assertOk(bot.addElements(cardId, "append", "cs_1", array(column), 2));

    JsonNode card = bot.shownCard(messageId);
    assertThat(ids(element(card, "cs_1").path("columns"))).containsExactly("col_1", "col_2");
    assertThat(ids(element(card, "col_1").path("elements"))).containsExactly("in_col", "col_md");
    assertThat(text(card, "right")).isEqualTo("右栏");
  }

  @Test
  void addElements_appendIntoCollapsiblePanel_addsToItsElements() throws Exception {
    assertOk(bot.addElements(cardId, "append", "panel_1", array(button("panel_btn", "展开更多")), 1));

    JsonNode card = bot.shownCard(messageId);
    assertThat(ids(element(card, "panel_1").path("elements")))
        .containsExactly("in_panel", "panel_btn");
  }

  @Test
  void addElements_appendToNonContainer_isRefusedWith300315() throws Exception {
    assertRefused(bot.addElements(cardId, "append", "md_1", array(markdown("x", "x")), 1), 300315);
    assertRefused(
        bot.addElements(cardId, "insert_after", "nowhere", array(markdown("x", "x")), 1), 300315);
  }

  @Test
  void addElements_insertWithoutTarget_isRefusedWith10002() throws Exception {
    assertRefused(
        bot.addElements(cardId, "insert_before", null, array(markdown("x", "x")), 1), 10002);
    assertRefused(bot.addElements(cardId, "prepend", "md_1", array(markdown("x", "x")), 1), 10002);
  }

  @Test
  void addElements_idAlreadyInCard_isRefusedWith300301AndChangesNothing() throws Exception {
    JsonNode before = bot.shownCard(messageId);

    assertRefused(
        bot.addElements(cardId, "append", null, array(markdown("in_panel", "重复")), 1), 300301);

    assertThat(bot.shownCard(messageId)).isEqualTo(before);
  }

  @Test
  void updateElement_replacesTheWholeComponent() throws Exception {
    assertOk(bot.updateElement(cardId, "md_2", json(button("md_2", "换成按钮")), 1));
    // Without its own element_id, the replacement keeps the old one.
    assertOk(
        bot.updateElement(cardId, "md_1", json("{'tag':'markdown','content':'**新的**第一段'}"), 2));

    JsonNode card = bot.shownCard(messageId);
    assertThat(element(card, "md_2").path("tag").asText()).isEqualTo("button");
    assertThat(text(card, "md_1")).isEqualTo("**新的**第一段");
    assertThat(bodyIds(card)).containsExactly("md_1", "md_2", "cs_1", "panel_1");
  }

  @Test
  void updateElement_unknownElement_isRefusedWith300121() throws Exception {
    assertRefused(bot.updateElement(cardId, "ghost", json(markdown("ghost", "x")), 1), 300121);
  }

  @Test
  void patchElement_overwritesGivenPropertiesOnly() throws Exception {
    assertOk(
        bot.patchElement(cardId, "md_1", json("{'content':'改过的第一段','text_align':'center'}"), 1));

    JsonNode md = element(bot.shownCard(messageId), "md_1");
    assertThat(md.path("content").asText()).isEqualTo("改过的第一段");
    assertThat(md.path("text_align").asText()).isEqualTo("center");
    assertThat(md.path("tag").asText()).isEqualTo("markdown");
  }

  @Test
  void patchElement_newElementId_renamesTheElement() throws Exception {
    assertOk(bot.patchElement(cardId, "md_1", json("{'element_id':'intro'}"), 1));

    JsonNode card = bot.shownCard(messageId);
    assertThat(bodyIds(card)).containsExactly("intro", "md_2", "cs_1", "panel_1");
    assertThat(text(card, "intro")).isEqualTo("第一段");
    // The old id is gone: addressing it now fails as for any unknown element.
    assertRefused(bot.patchElement(cardId, "md_1", json("{'content':'x'}"), 2), 300313);
    assertOk(bot.patchElement(cardId, "intro", json("{'content':'新名字'}"), 3));
  }

  @Test
  void patchElement_tagChange_isRefusedWith300312AndChangesNothing() throws Exception {
    JsonNode before = bot.shownCard(messageId);

    assertRefused(
        bot.patchElement(cardId, "md_1", json("{'tag':'button','content':'x'}"), 1), 300312);

    assertThat(bot.shownCard(messageId)).isEqualTo(before);
    assertOk(
        bot.patchElement(cardId, "md_1", json("{'tag':'markdown','content':'同样的 tag 可以'}"), 1));
  }

  @Test
  void patchElement_unknownElementOrDuplicateNewId_isRefused() throws Exception {
    assertRefused(bot.patchElement(cardId, "ghost", json("{'content':'x'}"), 1), 300313);
    assertRefused(bot.patchElement(cardId, "md_1", json("{'element_id':'md_2'}"), 1), 300301);
    assertRefused(bot.patchElement(cardId, "md_1", json("{'element_id':'1-bad'}"), 1), 300301);
  }

  @Test
  void deleteElement_container_removesItWithItsChildren() throws Exception {
    assertOk(bot.deleteElement(cardId, "cs_1", 1));

    JsonNode card = bot.shownCard(messageId);
    assertThat(bodyIds(card)).containsExactly("md_1", "md_2", "panel_1");
    assertThat(element(card, "in_col").isMissingNode()).isTrue();
    // The children's ids are free again.
    assertRefused(bot.patchElement(cardId, "in_col", json("{'content':'x'}"), 2), 300313);
    assertOk(bot.addElements(cardId, "append", null, array(markdown("in_col", "复活")), 2));
  }

  @Test
  void deleteElement_unknownElement_isRefusedWith300314() throws Exception {
    assertRefused(bot.deleteElement(cardId, "ghost", 1), 300314);
  }
}
