package io.opencardkit.server.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import io.opencardkit.core.Json;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.testkit.BrowserFixture;
import io.opencardkit.server.testkit.PageErrors;
import io.opencardkit.server.testkit.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a person sees of following, unread counts, the composer and mentions, at a desktop and a
 * phone size: each state is checked (nothing wider than the window, the controls in view) and saved
 * under target/screenshots/issue14.
 */
final class ChatHabitsLookTest {
  private static final Path SHOTS = Path.of("target", "screenshots", "issue14");

  private static void shot(Page page, String name) {
    page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve(name + ".png")));
  }

  private static void fitsTheWindow(Page page) {
    assertThat(
            (Boolean)
                page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"))
        .as("no sideways scrolling")
        .isTrue();
    assertThat(
            (Boolean)
                page.evaluate(
                    "() => { const l = document.querySelector('[data-testid=\"messages\"]'); return l.scrollWidth <= l.clientWidth; }"))
        .as("no message wider than the list")
        .isTrue();
  }

  @ParameterizedTest
  @CsvSource({"desktop,1280,800", "phone,390,844"})
  void chatHabits_lookRight(String size, int width, int height) throws Exception {
    PlaywrightAssertions.setDefaultAssertionTimeout(20_000);
    try (TestServer server = TestServer.start(Clock.systemUTC(), Duration.ofMinutes(10));
        BrowserFixture browser = BrowserFixture.launch()) {
      Bot bot = new Bot(server);
      for (int i = 1; i <= 6; i++) {
        bot.sendMessage("text", "{\"text\":\"早上好，这是第 " + i + " 条较早的消息。\"}");
      }
      Page page = browser.newPage();
      page.setDefaultTimeout(20_000);
      page.setViewportSize(width, height);
      page.navigate(
          server.baseUrl() + "/?user=" + server.seed.alice + "&chat=" + server.seed.chatId);
      page.locator("[data-testid=\"connection-status\"][data-status=\"open\"]").waitFor();

      // 1. A long answer streaming while the person is at the bottom.
      String cardId = bot.sendCard(FollowBottomTest.LONG_ANSWER);
      List<String> lines = new ArrayList<>();
      for (int i = 1; i <= 24; i++) {
        lines.add(
            (i % 6 == 1 ? "### 第 " + (i / 6 + 1) + " 部分\n" : "")
                + "- 第 "
                + i
                + " 行：回答一行一行地打出来，视图始终停在最底部。");
        bot.contentOk(cardId, "md", String.join("\n", lines));
      }
      page.waitForFunction(
          "() => document.querySelector('[data-element-id=\"md\"]').textContent.includes('第 16 行')");
      shot(page, size + "-1-following-a-streamed-answer"); // while it types (the cursor shows)
      page.waitForFunction(
          "() => document.querySelector('[data-element-id=\"md\"]').textContent.includes('第 24 行')");
      fitsTheWindow(page);
      assertThat(page.locator("[data-element-id=\"md\"] li").last()).isInViewport();

      // 2. Scrolled up to read: the view stays, the control offers the way down.
      page.locator("[data-testid=\"messages\"]").hover();
      page.mouse().wheel(0, -600);
      page.waitForFunction(
          "() => { const l = document.querySelector('[data-testid=\"messages\"]'); return l.scrollHeight - l.scrollTop - l.clientHeight > 300; }");
      for (int i = 25; i <= 30; i++) {
        lines.add("- 第 " + i + " 行：继续输出。");
        bot.contentOk(cardId, "md", String.join("\n", lines));
      }
      bot.appendElements(cardId, FollowBottomTest.BUTTONS);
      bot.streamingOff(cardId);
      bot.sendMessage("text", "{\"text\":\"补充一句：回答完毕。\"}");
      Locator control = page.locator("[data-testid=\"new-messages\"]");
      assertThat(control).hasText("1 条新消息 ↓");
      assertThat(control).isInViewport();
      fitsTheWindow(page);
      shot(page, size + "-2-scrolled-up-new-messages-control");
      control.click();
      page.waitForFunction(
          "() => { const l = document.querySelector('[data-testid=\"messages\"]'); return l.scrollHeight - l.scrollTop - l.clientHeight < 1; }");

      // 3. Unread counts: messages arrive in General while the person reads the chat with the bot.
      page.locator(
              "[data-testid=\"chat-item\"][data-chat-id=\""
                  + Directory.p2pChatId(server.seed.appId, server.seed.alice)
                  + "\"]")
          .click();
      bot.sendMessage("text", "{\"text\":\"General 里的新消息 1\"}");
      bobSays(server, "Bob：有人看到部署结果了吗？");
      bobSays(server, "Bob：我这边一切正常。");
      Locator badge =
          page.locator(
              "[data-testid=\"chat-item\"][data-chat-id=\""
                  + server.seed.chatId
                  + "\"] [data-testid=\"unread-badge\"]");
      assertThat(badge).hasText("3");
      assertThat(page).hasTitle("(3) OpenCardKit · 网页聊天");
      assertThat(badge).isInViewport();
      fitsTheWindow(page);
      shot(page, size + "-3-unread-counts");

      // 4. The multi-line composer, grown to three lines.
      page.locator("[data-testid=\"chat-item\"][data-chat-id=\"" + server.seed.chatId + "\"]")
          .click();
      assertThat(badge).hasCount(0);
      Locator composer = page.locator("[data-testid=\"composer\"]");
      composer.click();
      page.keyboard().type("请帮我看看这段配置：");
      page.keyboard().press("Shift+Enter");
      page.keyboard().type("streaming_mode: true");
      page.keyboard().press("Shift+Enter");
      page.keyboard().type("print_frequency_ms: 70");
      assertThat(composer).isInViewport();
      fitsTheWindow(page);
      shot(page, size + "-4-multi-line-composer");
      page.keyboard().press("Enter");

      // 5. Mentions: "@" lists the group's members and bots.
      page.keyboard().type("@");
      Locator list = page.locator("[data-testid=\"mention-list\"]");
      assertThat(list).isVisible();
      assertThat(list).isInViewport();
      fitsTheWindow(page);
      shot(page, size + "-5-mention-list");
      page.keyboard().type("ans");
      page.keyboard().press("Enter");
      page.keyboard().type("这个配置对吗？");
      page.keyboard().press("Enter");

      // 6. The sent messages: line breaks kept, the mention shown as a name.
      Locator mention = page.locator("[data-testid=\"message\"].own .md-at");
      assertThat(mention).hasText("@Answer Bot");
      assertThat(mention).isInViewport();
      fitsTheWindow(page);
      shot(page, size + "-6-sent-multi-line-and-mention");
      assertThat(PageErrors.of(page)).isEmpty();
    }
  }

  private static void bobSays(TestServer server, String text) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            server.baseUrl()
                                + "/web/api/chats/"
                                + server.seed.chatId
                                + "/messages?user="
                                + server.seed.bob))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            Json.write(Json.object().put("text", text))))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
  }
}
