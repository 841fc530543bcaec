package io.opencardkit.server.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.lark.oapi.service.im.v1.model.EventMessage;
import com.lark.oapi.service.im.v1.model.MentionEvent;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import io.opencardkit.core.Json;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.testkit.BrowserFixture;
import io.opencardkit.server.testkit.PageErrors;
import io.opencardkit.server.testkit.SdkBot;
import io.opencardkit.server.testkit.TestServer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The multi-line composer and mentions, with a bot that listens through the official SDK. */
final class ComposerTest {
  private static TestServer server;
  private static BrowserFixture browser;
  private static SdkBot bot;

  @BeforeAll
  static void startAll() {
    PlaywrightAssertions.setDefaultAssertionTimeout(
        20_000); // a shared 2-core machine can be slow; waiting is not retrying
    server = TestServer.start(Clock.systemUTC(), Duration.ofMinutes(10));
    browser = BrowserFixture.launch();
    bot = SdkBot.connect(server);
  }

  @AfterAll
  static void stopAll() throws Exception {
    bot.close();
    browser.close();
    server.close();
  }

  private static String p2p() {
    return Directory.p2pChatId(server.seed.appId, server.seed.alice);
  }

  private static Page open(String chatId) {
    Page page = browser.newPage();
    page.setDefaultTimeout(20_000);
    page.navigate(server.baseUrl() + "/?user=" + server.seed.alice + "&chat=" + chatId);
    page.locator("[data-testid=\"chat-item\"].active[data-chat-id=\"" + chatId + "\"]").waitFor();
    page.locator("[data-testid=\"connection-status\"][data-status=\"open\"]").waitFor();
    return page;
  }

  private static Locator composer(Page page) {
    return page.locator("[data-testid=\"composer\"]");
  }

  /** The viewer's message with this text (once the server answered the send). */
  private static Locator sent(Page page, String text) {
    return page.locator("[data-testid=\"message\"].own")
        .filter(new Locator.FilterOptions().setHasText(text));
  }

  @Test
  void shiftEnter_makesATwoLineMessage_thatTheBotReceivesWithItsLineBreak() {
    Page page = open(p2p());
    composer(page).click();
    page.keyboard().type("first line");
    page.keyboard().press("Shift+Enter");
    page.keyboard().type("second line");
    assertThat(composer(page)).hasValue("first line\nsecond line"); // Shift+Enter did not send
    page.keyboard().press("Enter");

    Locator message = sent(page, "second line");
    assertThat(message.locator(".msg-text")).hasText("first line\nsecond line");
    assertThat(composer(page)).hasValue("");
    assertThat(message.locator(".msg-text").innerText())
        .isEqualTo("first line\nsecond line"); // shown on two lines
    EventMessage received =
        bot.awaitEventOf(message.getAttribute("data-message-id")).getEvent().getMessage();
    assertThat(received.getMessageType()).isEqualTo("text");
    assertThat(received.getContent()).isEqualTo("{\"text\":\"first line\\nsecond line\"}");
    assertThat(PageErrors.of(page)).isEmpty();
  }

  @Test
  void severalParagraphs_areSentAsAPostWithOneParagraphPerLine() {
    Page page = open(p2p());
    composer(page).click();
    page.keyboard().type("para one");
    page.keyboard().press("Shift+Enter");
    page.keyboard().press("Shift+Enter");
    page.keyboard().type("para two");
    page.keyboard().press("Enter");

    Locator message = sent(page, "para two");
    assertThat(message).hasAttribute("data-msg-type", "post");
    EventMessage received =
        bot.awaitEventOf(message.getAttribute("data-message-id")).getEvent().getMessage();
    assertThat(received.getMessageType()).isEqualTo("post");
    JsonNode post = Json.parseOrNull(received.getContent());
    assertThat(post.get("content")).hasSize(3);
    assertThat(post.get("content").get(0).get(0).get("text").asText()).isEqualTo("para one");
    assertThat(post.get("content").get(1)).isEmpty();
    assertThat(post.get("content").get(2).get(0).get("text").asText()).isEqualTo("para two");
  }

  @Test
  void pastedText_keepsItsLineBreaks_andTheBoxGrowsUpToSixLinesThenScrolls() {
    Page page = open(p2p());
    page.context().grantPermissions(List.of("clipboard-read", "clipboard-write"));
    double oneLine = composer(page).boundingBox().height;
    String threeLines = "alpha\nbeta\ngamma";
    page.evaluate("(t) => navigator.clipboard.writeText(t)", threeLines);
    composer(page).click();
    page.keyboard().press("Control+V");
    assertThat(composer(page)).hasValue(threeLines);
    double three = composer(page).boundingBox().height;
    assertThat(three).isGreaterThan(oneLine * 2);

    page.evaluate("(t) => navigator.clipboard.writeText(t)", "\n4\n5\n6\n7\n8\n9\n10");
    page.keyboard().press("Control+V");
    double many = composer(page).boundingBox().height;
    assertThat(many).isGreaterThan(three).isLessThan(oneLine * 4.5); // capped at six lines
    assertThat((Boolean) composer(page).evaluate("(el) => el.scrollHeight > el.clientHeight"))
        .isTrue();

    page.keyboard().press("Enter");
    Locator message = sent(page, "gamma");
    assertThat(message.locator(".msg-text").innerText())
        .isEqualTo(threeLines + "\n4\n5\n6\n7\n8\n9\n10");
    assertThat(composer(page).boundingBox().height)
        .isEqualTo(oneLine); // back to one line once sent
  }

  @Test
  void whileASendIsUnderway_theBoxIsEmptyAndUsable_andAFailedSendPutsTheTextBack() {
    // Regression: the box was disabled until the server answered, so what the person typed
    // meanwhile was lost.
    Page page = open(p2p());
    List<Route> held = new ArrayList<>();
    page.route(
        "**/web/api/chats/*/messages?*",
        route -> {
          if ("POST".equals(route.request().method())) {
            held.add(route);
          } else {
            route.resume();
          }
        });
    composer(page).click();
    page.keyboard().type("first");
    page.keyboard().press("Enter");
    page.waitForCondition(() -> held.size() == 1);
    assertThat(composer(page)).hasValue("");
    page.keyboard().type("typed while sending");
    held.get(0).resume();
    assertThat(sent(page, "first")).hasCount(1);
    assertThat(composer(page)).hasValue("typed while sending");

    composer(page).fill("");
    page.keyboard().type("this one fails");
    page.keyboard().press("Enter");
    page.waitForCondition(() -> held.size() == 2);
    held.get(1)
        .fulfill(
            new Route.FulfillOptions()
                .setStatus(503)
                .setContentType("application/json")
                .setBody("{\"code\":503,\"msg\":\"storage unavailable, retry later\"}"));
    assertThat(page.locator("[data-testid=\"composer-error\"]"))
        .containsText("storage unavailable");
    assertThat(composer(page)).hasValue("this one fails"); // nothing typed is lost
  }

  @Test
  void atAndPick_insertsANameAndSendsAMentionTheBotReceivesInMentions() {
    Page page = open(server.seed.chatId); // a group: the bot hears only what mentions it
    composer(page).click();
    page.keyboard().type("@");
    Locator options = page.locator("[data-testid=\"mention-option\"]");
    assertThat(options).hasCount(2);
    assertThat(page.locator("[data-testid=\"mention-list\"]")).containsText("Answer Bot");
    assertThat(page.locator("[data-testid=\"mention-list\"]")).containsText("Bob");
    assertThat(page.locator("[data-testid=\"mention-list\"]"))
        .not()
        .containsText("Alice"); // not the viewer
    page.keyboard().type("ans");
    assertThat(options).hasCount(1);
    page.keyboard().press("Enter"); // picks; does not send
    assertThat(page.locator("[data-testid=\"mention-list\"]")).isHidden();
    assertThat(composer(page)).hasValue("@Answer Bot ");
    page.keyboard().type("what time is it?");
    page.keyboard().press("Enter");

    Locator message = sent(page, "what time is it?");
    assertThat(message.locator(".md-at")).hasText("@Answer Bot");
    assertThat(message.locator(".msg-text")).hasText("@Answer Bot what time is it?");
    EventMessage received =
        bot.awaitEventOf(message.getAttribute("data-message-id")).getEvent().getMessage();
    assertThat(received.getChatType()).isEqualTo("group");
    assertThat(received.getContent()).isEqualTo("{\"text\":\"@_user_1 what time is it?\"}");
    MentionEvent[] mentions = received.getMentions();
    assertThat(mentions).hasSize(1);
    assertThat(mentions[0].getKey()).isEqualTo("@_user_1");
    assertThat(mentions[0].getName()).isEqualTo("Answer Bot");
    assertThat(mentions[0].getId().getOpenId())
        .isEqualTo(server.server().directory().app(server.seed.appId).orElseThrow().botOpenId());
    assertThat(
            page.locator(
                "[data-testid=\"chat-item\"][data-chat-id=\""
                    + server.seed.chatId
                    + "\"] [data-testid=\"chat-preview\"]"))
        .hasText("@Answer Bot what time is it?"); // the preview shows the mention as a name too
  }

  @Test
  void mention_pickedWithTheMouse_isRemovedWholeByBackspace_andNotSentAsAMention() {
    Page page = open(server.seed.chatId);
    composer(page).click();
    page.keyboard().type("hi @b");
    page.locator("[data-testid=\"mention-option\"][data-member-id=\"" + server.seed.bob + "\"]")
        .click();
    assertThat(composer(page)).hasValue("hi @Bob ");
    page.keyboard().press("Backspace"); // the space
    page.keyboard().press("Backspace"); // the whole mention
    assertThat(composer(page)).hasValue("hi ");
    page.keyboard().type("there");
    page.keyboard().press("Enter");

    Locator message = sent(page, "hi there");
    assertThat(message.locator(".md-at")).hasCount(0);
  }

  @Test
  void atInAP2pChat_opensNoList_andEscapeClosesAGroupsList() {
    Page p2pPage = open(p2p());
    composer(p2pPage).click();
    p2pPage.keyboard().type("mail me @ home");
    assertThat(p2pPage.locator("[data-testid=\"mention-list\"]")).isHidden();

    Page group = open(server.seed.chatId);
    composer(group).click();
    group.keyboard().type("@");
    assertThat(group.locator("[data-testid=\"mention-list\"]")).isVisible();
    group.keyboard().press("Escape");
    assertThat(group.locator("[data-testid=\"mention-list\"]")).isHidden();
    group.keyboard().type(" nobody in particular");
    assertThat(group.locator("[data-testid=\"mention-list\"]")).isHidden();
    group.keyboard().press("Enter"); // sends the text as typed
    Locator message = sent(group, "@ nobody in particular");
    assertThat(message).hasCount(1);
    assertThat(message.locator(".md-at")).hasCount(0);
  }
}
