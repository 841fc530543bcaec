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
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Unread counts in the chat list and the tab title: they appear, clear on open, survive a reload,
 * and agree across tabs.
 */
final class UnreadTest {
  private static final String TITLE = "OpenCardKit · 网页聊天";

  private static BrowserFixture browser;
  private TestServer server;
  private Bot bot;

  @BeforeAll
  static void startBrowser() {
    PlaywrightAssertions.setDefaultAssertionTimeout(
        20_000); // a shared 2-core machine can be slow; waiting is not retrying
    browser = BrowserFixture.launch();
  }

  @AfterAll
  static void stopBrowser() {
    browser.close();
  }

  @BeforeEach
  void startServer() {
    server = TestServer.start(Clock.systemUTC(), Duration.ofMinutes(10));
    bot = new Bot(server);
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private String p2p() {
    return Directory.p2pChatId(server.seed.appId, server.seed.alice);
  }

  /** Alice's page with the chat {@code chatId} open. */
  private Page openAt(String chatId) {
    Page page = browser.newPage();
    page.setDefaultTimeout(20_000);
    page.navigate(server.baseUrl() + "/?user=" + server.seed.alice + "&chat=" + chatId);
    page.locator("[data-testid=\"chat-item\"].active[data-chat-id=\"" + chatId + "\"]").waitFor();
    page.locator("[data-testid=\"connection-status\"][data-status=\"open\"]").waitFor();
    return page;
  }

  private Locator badge(Page page, String chatId) {
    return page.locator(
        "[data-testid=\"chat-item\"][data-chat-id=\""
            + chatId
            + "\"] [data-testid=\"unread-badge\"]");
  }

  /** A message from Bob in General, as his page sends it. */
  private void bobSays(String text) throws Exception {
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

  @Test
  void messagesInAnotherChat_showACount_thatClearsOnOpen_andSurvivesAReload() throws Exception {
    Page page = openAt(p2p());
    Page otherTab = openAt(p2p());
    assertThat(badge(page, server.seed.chatId)).hasCount(0);

    bot.sendMessage("text", "{\"text\":\"one\"}");
    bobSays("two");
    bobSays("three");

    assertThat(badge(page, server.seed.chatId)).hasText("3");
    assertThat(page).hasTitle("(3) " + TITLE);
    assertThat(badge(page, p2p())).hasCount(0); // the open chat
    assertThat(badge(otherTab, server.seed.chatId)).hasText("3");

    page.reload();
    page.locator("[data-testid=\"connection-status\"][data-status=\"open\"]").waitFor();
    assertThat(badge(page, server.seed.chatId)).hasText("3"); // counted by the server
    assertThat(page).hasTitle("(3) " + TITLE);

    page.locator("[data-testid=\"chat-item\"][data-chat-id=\"" + server.seed.chatId + "\"]")
        .click();
    assertThat(badge(page, server.seed.chatId)).hasCount(0);
    assertThat(page).hasTitle(TITLE);
    assertThat(badge(otherTab, server.seed.chatId)).hasCount(0); // read in one tab, read in all
    assertThat(otherTab).hasTitle(TITLE);

    Page afterReload = openAt(p2p());
    assertThat(
            afterReload.locator(
                "[data-testid=\"chat-item\"][data-chat-id=\"" + server.seed.chatId + "\"]"))
        .isVisible();
    assertThat(badge(afterReload, server.seed.chatId)).hasCount(0);
    assertThat(afterReload).hasTitle(TITLE);
    assertThat(PageErrors.of(page)).isEmpty();
  }

  @Test
  void ownMessages_neverCount_andTheOpenChatCountsOnlyWhileTheTabIsHidden() throws Exception {
    Page page = openAt(server.seed.chatId);
    Page elsewhere = openAt(p2p()); // Alice's second tab, on another chat
    elsewhere.locator("[data-testid=\"composer\"]").fill("from my other tab");
    elsewhere.locator("[data-testid=\"composer\"]").press("Enter");
    bobSays("seen at once"); // in the open, visible chat: read as it arrives
    assertThat(
            page.locator("[data-testid=\"message\"]")
                .filter(new Locator.FilterOptions().setHasText("seen at once")))
        .isVisible();
    assertThat(badge(elsewhere, server.seed.chatId)).hasCount(0); // read in the tab that shows it
    assertThat(badge(page, server.seed.chatId)).hasCount(0);

    page.evaluate(
        "() => { Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });"
            + " document.dispatchEvent(new Event('visibilitychange')); }");
    bobSays("while you were away");
    bot.sendMessage("text", "{\"text\":\"me too\"}");
    assertThat(badge(page, server.seed.chatId)).hasText("2");
    assertThat(page).hasTitle("(2) " + TITLE);

    page.evaluate(
        "() => { Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });"
            + " document.dispatchEvent(new Event('visibilitychange')); }");
    assertThat(badge(page, server.seed.chatId)).hasCount(0);
    assertThat(page).hasTitle(TITLE);
    assertThat(badge(elsewhere, server.seed.chatId)).hasCount(0);
    Page fresh = openAt(p2p());
    assertThat(badge(fresh, server.seed.chatId)).hasCount(0);
    assertThat(fresh).hasTitle(TITLE);
  }
}
