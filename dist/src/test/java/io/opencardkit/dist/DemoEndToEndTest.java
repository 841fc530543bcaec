package io.opencardkit.dist;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import io.opencardkit.server.DemoBotLauncher;
import io.opencardkit.server.DemoMode;
import io.opencardkit.server.OpenCardKitServer;
import io.opencardkit.server.ServerConfig;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.directory.DirectoryBootstrap;
import io.opencardkit.server.testkit.BrowserFixture;
import io.opencardkit.server.testkit.PageErrors;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code serve --demo} end to end: a server with the demo directory, the demo bot found through
 * {@link ServiceLoader} and connected over the official SDK's long connection, and Alice asking it
 * a question in headless chromium.
 */
final class DemoEndToEndTest {
  private static final String ALICE = "ou_alice000000000000000000000000";
  private static final LocatorAssertions.HasTextOptions WAIT_TEXT =
      new LocatorAssertions.HasTextOptions().setTimeout(30_000);
  private static final Page.WaitForFunctionOptions WAIT =
      new Page.WaitForFunctionOptions().setTimeout(30_000);

  private static OpenCardKitServer server;
  private static DemoMode demo;
  private static BrowserFixture browser;
  private static final ByteArrayOutputStream console = new ByteArrayOutputStream();

  @BeforeAll
  static void startAll() throws Exception {
    // A faster simulated model than the command's default, so the answer streams in a few seconds;
    // still many steps.
    System.setProperty(DemoBotStarter.TOKENS_PER_SECOND, "150");
    Path data = Files.createTempDirectory("okc-demo-e2e").resolve("data");
    PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);
    server =
        OpenCardKitServer.start(
            ServerConfig.defaults().withPort(0).withDataDir(data),
            out); // no seed: the demo directory
    demo = DemoMode.start(server, out);
    browser = BrowserFixture.launch();
  }

  @AfterAll
  static void stopAll() {
    if (browser != null) {
      browser.close();
    }
    if (demo != null) {
      demo.close();
    }
    if (server != null) {
      server.close();
    }
    System.clearProperty(DemoBotStarter.TOKENS_PER_SECOND);
  }

  @Test
  void serviceRegistration_distJar_providesTheDemoBotStarter() {
    assertThat(ServiceLoader.load(DemoBotLauncher.class).findFirst())
        .get()
        .isInstanceOf(DemoBotStarter.class);
    assertThat(demo.app().appId()).isEqualTo(DirectoryBootstrap.DEMO_APP_ID);
    assertThat(demo.app().hearsAllGroupMessages()).isTrue();
    assertThat(demo.pageUrl()).isEqualTo(server.baseUrl() + "/?user=" + ALICE);
    assertThat(console.toString(StandardCharsets.UTF_8))
        .contains("Demo bot started")
        .contains(demo.pageUrl());
  }

  @Test
  void askTheDemoBot_answerTypesOutThenFeedbackUpdatesTheCard() throws Exception {
    awaitBotConnected();
    Page page = browser.newPage();
    page.navigate(demo.pageUrl());
    page.locator("[data-testid=\"connection-status\"][data-status=\"open\"]").waitFor();

    String chatId = Directory.p2pChatId(DirectoryBootstrap.DEMO_APP_ID, ALICE);
    Locator chatItem = page.locator("[data-testid=\"chat-item\"][data-chat-id=\"" + chatId + "\"]");
    assertThat(chatItem).containsText("Demo Bot");
    chatItem.click();
    Locator preview = chatItem.locator("[data-testid=\"chat-preview\"]");

    // Record every text the answer element shows, from the moment it appears.
    page.evaluate(
        "() => { window.seen = []; window.previews = [];"
            + " const note = () => { const el = document.querySelector('[data-testid=\"message\"] [data-element-id=\"answer\"]');"
            + "   if (el) { const t = el.textContent.trim(); if (window.seen[window.seen.length - 1] !== t) window.seen.push(t); }"
            + "   const p = document.querySelector('[data-testid=\"chat-item\"][data-chat-id=\""
            + chatId
            + "\"] [data-testid=\"chat-preview\"]');"
            + "   if (p && window.previews[window.previews.length - 1] !== p.textContent) window.previews.push(p.textContent); };"
            + " new MutationObserver(note).observe(document.body, { childList: true, subtree: true, characterData: true }); }");

    Locator composer = page.locator("[data-testid=\"composer\"]");
    composer.fill("什么是流式卡片？");
    composer.press("Enter");

    Locator card = page.locator("[data-testid=\"message\"][data-msg-type=\"interactive\"]");
    Locator answer = card.locator("[data-element-id=\"answer\"]");
    answer.waitFor(new Locator.WaitForOptions().setTimeout(30_000));

    // While it streams, the chat list says it is generating and the text grows.
    page.waitForFunction("() => window.previews.includes('[生成中...]')", null, WAIT);
    page.waitForFunction("() => window.seen.some((t) => t.length > 0)", null, WAIT);

    // Then streaming closes: the feedback selector appears and the preview becomes the summary.
    Locator helpful =
        card.locator("button", new Locator.LocatorOptions().setHasText("有帮助")).first();
    Locator unhelpful =
        card.locator("button", new Locator.LocatorOptions().setHasText("没帮助")).first();
    helpful.waitFor(new Locator.WaitForOptions().setTimeout(30_000));
    assertThat(unhelpful).isVisible();
    assertThat(preview).hasText("演示回答：什么是流式卡片？", WAIT_TEXT);
    assertThat(answer).containsText("关于「什么是流式卡片？」");
    assertThat(answer).containsText("示例代码");

    @SuppressWarnings("unchecked")
    List<String> seen = (List<String>) page.evaluate("() => window.seen");
    String finalText = answer.textContent().trim();
    // Typed out, not jumped: several growing states. How long the first one is depends on how much
    // the bot had
    // coalesced into its first call and on when the browser got to it (the pace itself is tested
    // with an injected
    // clock in server/src/test/js/typewriter.test.mjs), so it is only asserted to be shorter than
    // the final text.
    assertThat(seen.size()).isGreaterThanOrEqualTo(3);
    assertThat(seen.get(0).length()).isLessThan(finalText.length());

    helpful.click();
    assertThat(card.locator("[data-element-id=\"feedback\"]"))
        .containsText("感谢反馈", new LocatorAssertions.ContainsTextOptions().setTimeout(15_000));
    assertThat(card.locator("[data-element-id=\"feedback\"]")).containsText("有帮助");
    assertThat(card.locator("button", new Locator.LocatorOptions().setHasText("没帮助"))).hasCount(0);
    assertThat(preview).not().hasText("[生成中...]");
    assertThat(PageErrors.of(page)).isEmpty();
  }

  private static void awaitBotConnected() throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (server.bots().longConnectionCount(DirectoryBootstrap.DEMO_APP_ID) == 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the demo bot did not open its long connection within 30 s");
      }
      Thread.onSpinWait(); // a polling wait with a deadline, no fixed sleep
    }
  }
}
