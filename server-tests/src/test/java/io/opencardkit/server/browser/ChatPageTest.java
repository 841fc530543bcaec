package io.opencardkit.server.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import io.opencardkit.server.testkit.BrowserFixture;
import io.opencardkit.server.testkit.PageErrors;
import io.opencardkit.server.testkit.TestServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The page against a live server: sign-in, chat list previews, composer, forwarding, interactions.
 */
final class ChatPageTest {
  static final String STREAMING_CARD =
      "{\"schema\":\"2.0\",\"header\":{\"title\":{\"tag\":\"plain_text\",\"content\":\"Answer\"}},"
          + "\"config\":{\"streaming_mode\":true,\"streaming_config\":{\"print_frequency_ms\":{\"default\":20},\"print_step\":{\"default\":2}}},"
          + "\"body\":{\"elements\":[{\"tag\":\"markdown\",\"content\":\"\",\"element_id\":\"md\"},"
          + "{\"tag\":\"button\",\"element_id\":\"like\",\"text\":{\"tag\":\"plain_text\",\"content\":\"Like\"},"
          + "\"behaviors\":[{\"type\":\"callback\",\"value\":{\"vote\":\"up\"}}]}]}}";

  private static final LocatorAssertions.ContainsTextOptions WAIT =
      new LocatorAssertions.ContainsTextOptions().setTimeout(10_000);

  private static TestServer server;
  private static BrowserFixture browser;
  private static Bot bot;

  @BeforeAll
  static void startAll() {
    server = TestServer.start(Clock.systemUTC(), Duration.ofMinutes(10));
    browser = BrowserFixture.launch();
    bot = new Bot(server);
  }

  @AfterAll
  static void stopAll() {
    browser.close();
    server.close();
  }

  private Page openAs(String openId) {
    Page page = browser.newPage();
    page.navigate(server.baseUrl() + "/?user=" + openId);
    page.locator("[data-testid=\"chat-item\"]").first().waitFor();
    page.locator("[data-testid=\"connection-status\"][data-status=\"open\"]").waitFor();
    return page;
  }

  private static Locator message(Page page, String text) {
    return page.locator("[data-testid=\"message\"]")
        .filter(new Locator.FilterOptions().setHasText(text));
  }

  private static Locator preview(Page page) {
    return page.locator(
        "[data-testid=\"chat-item\"][data-chat-id=\""
            + server.seed.chatId
            + "\"] [data-testid=\"chat-preview\"]");
  }

  @Test
  void signIn_developmentModeWithoutUser_showsPickerThatOpensTheChatAsThatUser() {
    Page page = browser.newPage();
    page.navigate(server.baseUrl() + "/");
    page.locator("[data-testid=\"user-option\"]").first().waitFor();
    assertThat(page.locator("[data-testid=\"user-option\"]").allTextContents())
        .contains("Alice", "Bob");
    page.locator("[data-testid=\"user-option\"]", new Page.LocatorOptions().setHasText("Bob"))
        .click();
    assertThat(page.locator("[data-testid=\"viewer\"]")).hasText("Bob");
    assertThat(
            page.locator(
                "[data-testid=\"chat-item\"][data-chat-id=\"" + server.seed.chatId + "\"]"))
        .isVisible();
    assertThat(PageErrors.of(page)).isEmpty();
  }

  @Test
  void signIn_tokenMode_asksForTheTokenOnce_keepsItOutOfTheAddress_andSignsOut() {
    try (TestServer production =
        TestServer.start(
            Clock.systemUTC(),
            Duration.ofMinutes(10),
            c -> c.withWebAuth(io.opencardkit.server.ServerConfig.WebAuth.TOKEN))) {
      Page page = browser.newPage();
      // An old personal link with the token in it: the token is dropped from the address and signs
      // nobody in.
      page.navigate(
          production.baseUrl()
              + "/?user="
              + production.seed.alice
              + "&token="
              + production.seed.aliceToken);
      page.locator("[data-testid=\"signin-form\"]").waitFor();
      assertThat(page.url()).doesNotContain("token").contains("user=" + production.seed.alice);
      assertThat(page.locator("[data-testid=\"signin-user\"]")).hasValue(production.seed.alice);
      assertThat(page.locator("[data-testid=\"user-option\"]")).hasCount(0);

      page.locator("[data-testid=\"signin-token\"]").fill("wrong");
      page.locator("[data-testid=\"signin-submit\"]").click();
      assertThat(page.locator("[data-testid=\"signin-error\"]")).hasText("用户或令牌不正确");

      page.locator("[data-testid=\"signin-token\"]").fill(production.seed.aliceToken);
      page.locator("[data-testid=\"signin-submit\"]").click();
      assertThat(page.locator("[data-testid=\"viewer\"]")).hasText("Alice");
      assertThat(page.locator("[data-testid=\"mode\"]")).hasText("生产模式");
      page.locator("[data-testid=\"connection-status\"][data-status=\"open\"]").waitFor();
      assertThat(
              page.locator(
                  "[data-testid=\"chat-item\"][data-chat-id=\"" + production.seed.chatId + "\"]"))
          .isVisible();

      page.locator("[data-testid=\"sign-out\"]").click();
      page.locator("[data-testid=\"signed-out\"]").waitFor();
      page.navigate(production.baseUrl() + "/");
      page.locator("[data-testid=\"signin-form\"]").waitFor();
      // The page asks who is signed in before showing the form: the browser logs those 401s, and
      // nothing else went wrong.
      assertThat(PageErrors.of(page)).allMatch(e -> e.contains("status of 401"));
      PageErrors.expect(page, e -> e.contains("status of 401"));
    }
  }

  @Test
  void composer_sendText_showsTheMessageAndUpdatesThePreviewForOtherViewers() {
    Page alice = openAs(server.seed.alice);
    Page bob = openAs(server.seed.bob);
    alice.locator("[data-testid=\"composer\"]").fill("hello from alice");
    alice.locator("[data-testid=\"composer\"]").press("Enter");
    assertThat(message(alice, "hello from alice")).isVisible();
    // Bob's page hears the message over the WebSocket.
    assertThat(message(bob, "hello from alice")).isVisible();
    assertThat(preview(bob)).containsText("hello from alice", WAIT);
  }

  @Test
  void messages_textPostAndInlineCard_renderEachKind() throws Exception {
    Page page = openAs(server.seed.alice);
    String text = bot.sendMessage("text", "{\"text\":\"plain <b>not bold</b>\"}");
    String post =
        bot.sendMessage(
            "post",
            "{\"zh_cn\":{\"title\":\"Release notes\",\"content\":[[{\"tag\":\"text\",\"text\":\"Version 2 is out, see \"},"
                + "{\"tag\":\"a\",\"href\":\"https://example.com/notes\",\"text\":\"the notes\"},{\"tag\":\"at\",\"user_id\":\""
                + server.seed.bob
                + "\"}]]}}");
    String inline =
        bot.sendMessage(
            "interactive",
            "{\"schema\":\"2.0\",\"header\":{\"title\":{\"tag\":\"plain_text\",\"content\":\"Inline card\"}},"
                + "\"body\":{\"elements\":[{\"tag\":\"markdown\",\"content\":\"**inline** body\",\"element_id\":\"m\"}]}}");
    Locator textMessage = page.locator("[data-message-id=\"" + text + "\"]");
    assertThat(textMessage.locator(".msg-text")).hasText("plain <b>not bold</b>");
    Locator postMessage = page.locator("[data-message-id=\"" + post + "\"]");
    assertThat(postMessage.locator(".post-title")).hasText("Release notes");
    assertThat(postMessage.locator("a[href=\"https://example.com/notes\"]")).hasText("the notes");
    assertThat(postMessage).containsText("@Bob");
    Locator cardMessage = page.locator("[data-message-id=\"" + inline + "\"]");
    assertThat(cardMessage.locator(".ock-title")).hasText("Inline card");
    assertThat(cardMessage.locator("[data-element-id=\"m\"] strong")).hasText("inline");
  }

  @Test
  void preview_streamingCard_showsGeneratingThenCustomSummaryThenDerivedText() throws Exception {
    Page page = openAs(server.seed.alice);
    String cardId = bot.sendCard(STREAMING_CARD);
    assertThat(preview(page)).hasText("[生成中...]");
    bot.contentOk(cardId, "md", "partial answer");
    bot.settings(cardId, "{\"config\":{\"summary\":{\"content\":\"Thinking about it\"}}}");
    assertThat(preview(page)).hasText("Thinking about it");
    bot.settings(cardId, "{\"config\":{\"summary\":{\"content\":\"\"},\"streaming_mode\":false}}");
    // No custom summary and no longer streaming: the text derived from the card (its title).
    assertThat(preview(page)).hasText("Answer");
  }

  @Test
  void forward_whileStreaming_isRefusedWithReasonAndWorksAfterStreamingEnds() throws Exception {
    Page page = openAs(server.seed.alice);
    String cardId = bot.sendCard(STREAMING_CARD);
    bot.contentOk(cardId, "md", "forward me later");
    Locator card = message(page, "forward me later").first();
    assertThat(card.locator("[data-testid=\"forward-button\"]")).isDisabled();
    assertThat(card.locator("[data-testid=\"forward-explanation\"]")).containsText("流式更新");
    // The server refuses too (the button is only the page's courtesy).
    Object status =
        page.evaluate(
            "(id) => fetch('/web/api/messages/' + id + '/forward?user="
                + server.seed.alice
                + "', { method: 'POST',"
                + " headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ chat_id: '"
                + server.seed.chatId
                + "' }) })"
                + ".then(async (r) => r.status + ' ' + (await r.json()).code)",
            card.getAttribute("data-message-id"));
    assertThat(status).isEqualTo("409 300320");
    bot.streamingOff(cardId);
    assertThat(card.locator("[data-testid=\"forward-button\"]")).isEnabled();
    assertThat(card.locator("[data-testid=\"forward-explanation\"]")).isEmpty();
    card.locator("[data-testid=\"forward-button\"]").click();
    page.locator("[data-testid=\"forward-confirm\"]").click();
    assertThat(card.locator("[data-testid=\"forward-explanation\"]")).containsText("已转发");
    assertThat(message(page, "forward me later")).hasCount(2);
  }

  @Test
  void cardButton_clicked_isSentToTheServerAndThePageSaysSo() throws Exception {
    Page page = openAs(server.seed.alice);
    String cardId = bot.sendCard(STREAMING_CARD);
    bot.contentOk(cardId, "md", "vote please");
    Locator card = message(page, "vote please");
    card.locator("[data-element-id=\"like\"]").click();
    assertThat(card.locator("[data-testid=\"action-status\"]")).containsText("已发送");
    assertThat(card.locator("[data-testid=\"action-status\"]")).hasAttribute("data-state", "sent");
  }

  /** The server validates tags, so the showcase's deliberately unknown component must go. */
  static String showcaseWithoutUnknownTag() {
    com.fasterxml.jackson.databind.node.ObjectNode card =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            io.opencardkit.core.Json.parseOrNull(RenderTest.showcase());
    com.fasterxml.jackson.databind.node.ArrayNode elements =
        (com.fasterxml.jackson.databind.node.ArrayNode) card.path("body").path("elements");
    for (int i = elements.size() - 1; i >= 0; i--) {
      if ("fancy_widget_v9".equals(elements.get(i).path("tag").asText())) {
        elements.remove(i);
      }
    }
    return io.opencardkit.core.Json.write(card);
  }

  @Test
  void page_withStreamingCard_screenshotLooksLikeAChat() throws Exception {
    Page page = openAs(server.seed.alice);
    bot.sendCard(showcaseWithoutUnknownTag());
    String cardId = bot.sendCard(STREAMING_CARD);
    bot.contentOk(
        cardId, "md", "## Streaming answer\nThe **typewriter** reveals this text step by step.");
    message(page, "Streaming answer").waitFor();
    page.locator("[data-testid=\"messages\"]")
        .evaluate("(el) => { el.scrollTop = el.scrollHeight; }");
    page.screenshot(
        new Page.ScreenshotOptions().setPath(Path.of("target", "screenshots", "chat-page.png")));
    assertThat(PageErrors.of(page)).isEmpty();
  }
}
