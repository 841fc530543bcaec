package io.opencardkit.server.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import io.opencardkit.server.testkit.BrowserFixture;
import io.opencardkit.server.testkit.PageErrors;
import io.opencardkit.server.testkit.TestServer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The typewriter and the inspector against a live server: typing, reconnect mid-stream, inspector,
 * replay.
 */
final class LiveStreamTest {
  /** A streaming card typed at the documented defaults (70 ms, 1 character, fast). */
  static final String CARD =
      "{\"schema\":\"2.0\",\"header\":{\"title\":{\"tag\":\"plain_text\",\"content\":\"Live\"}},"
          + "\"config\":{\"streaming_mode\":true},\"body\":{\"elements\":[{\"tag\":\"markdown\",\"content\":\"\",\"element_id\":\"md\"}]}}";

  private static final Page.WaitForFunctionOptions LONG =
      new Page.WaitForFunctionOptions().setTimeout(20_000);

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

  private Page open() {
    Page page = browser.newPage();
    page.navigate(server.baseUrl() + "/?user=" + server.seed.alice);
    page.locator("[data-testid=\"connection-status\"][data-status=\"open\"]").waitFor();
    return page;
  }

  /**
   * The message of the bot's last card, with an observer recording every text its md element shows
   * in window.seen.
   */
  private static Locator watchNewestCard(Page page) {
    Locator card =
        page.locator("[data-testid=\"message\"][data-message-id=\"" + bot.lastMessageId() + "\"]");
    card.locator("[data-element-id=\"md\"]")
        .waitFor(
            new Locator.WaitForOptions()
                .setState(com.microsoft.playwright.options.WaitForSelectorState.ATTACHED));
    page.evaluate(
        "(id) => { const el = document.querySelector('[data-message-id=\"' + id + '\"] [data-element-id=\"md\"]');"
            + " window.seen = []; const note = () => { const t = el.textContent.trim(); if (window.seen[window.seen.length - 1] !== t) window.seen.push(t); };"
            + " note(); new MutationObserver(note).observe(el, { childList: true, subtree: true, characterData: true }); }",
        bot.lastMessageId());
    return card;
  }

  private static String shown(Locator card) {
    return card.locator("[data-element-id=\"md\"]").textContent().trim();
  }

  @Test
  void typewriter_botPushes_typesCharacterByCharacterAndEndsWithTheServerText() throws Exception {
    Page page = open();
    String cardId = bot.sendCard(CARD);
    Locator card = watchNewestCard(page);
    bot.contentOk(cardId, "md", "Hello");
    bot.contentOk(cardId, "md", "Hello world, typed one step at a time");
    String finalText = "Hello world, typed one step at a time";
    page.waitForFunction("(t) => window.seen[window.seen.length - 1] === t", finalText, LONG);
    @SuppressWarnings("unchecked")
    List<String> seen = (List<String>) page.evaluate("() => window.seen");
    // Typed, not jumped: many intermediate prefixes, each a prefix of the final text.
    assertThat(seen.size()).isGreaterThan(20);
    assertThat(seen).allSatisfy(t -> assertThat(finalText).startsWith(t));
    assertThat(shown(card)).isEqualTo(finalText);
    // Chromium offers permessage-deflate; the page read the frames compressed once for every
    // socket.
    assertThat(server.server().web().stats().sharedDeflateConnections()).isPositive();
  }

  @Test
  void reconnect_socketDroppedMidStream_endsWithTheExactServerText() throws Exception {
    Page page = open();
    String cardId = bot.sendCard(CARD);
    Locator card = watchNewestCard(page);
    bot.contentOk(cardId, "md", "one");
    page.waitForFunction("() => window.seen.includes('one')");
    // Hold the reconnect for 1.5 s so the next pushes happen while the page is offline.
    page.evaluate("() => { window.ock.socket.minDelayMs = 1500; window.ock.socket.drop(); }");
    page.locator("[data-testid=\"connection-status\"][data-status=\"closed\"]").waitFor();
    bot.contentOk(cardId, "md", "one two");
    bot.contentOk(cardId, "md", "one two three");
    bot.contentOk(cardId, "md", "one two three four");
    page.locator("[data-testid=\"connection-status\"][data-connects=\"2\"]")
        .waitFor(new Locator.WaitForOptions().setTimeout(10_000));
    bot.contentOk(cardId, "md", "one two three four five");
    page.waitForFunction(
        "() => window.seen[window.seen.length - 1] === 'one two three four five'", null, LONG);
    assertThat(shown(card)).isEqualTo("one two three four five");
    assertThat(PageErrors.of(page)).isEmpty();
  }

  @Test
  void inspector_streamingCard_showsEventsRefusalsAndTheTimeLeft() throws Exception {
    Page page = open();
    String cardId = bot.sendCard(CARD);
    Locator card = watchNewestCard(page);
    bot.contentOk(cardId, "md", "abc");
    bot.contentOk(cardId, "md", "abcdef");
    // A stale sequence is refused with 300317.
    assertThat(bot.content(cardId, "md", "nope", 1)).isEqualTo(300317);
    card.locator("[data-testid=\"inspect-button\"]").click();
    Locator inspector = page.locator("[data-testid=\"inspector\"]");
    assertThat(inspector).isVisible();
    Locator rows = inspector.locator("[data-testid=\"inspector-events\"] tbody tr");
    assertThat(rows.filter(new Locator.FilterOptions().setHasText("append"))).hasCount(2);
    assertThat(
            inspector
                .locator("[data-testid=\"inspector-events\"] tbody tr[data-op=\"append\"]")
                .last())
        .containsText("3");
    assertThat(
            inspector.locator(
                "[data-testid=\"inspector-refusals\"] tbody tr[data-code=\"300317\"]"))
        .hasCount(1);
    assertThat(inspector.locator("[data-testid=\"inspector-refusals\"]"))
        .containsText(server.seed.appId);
    Locator streaming = inspector.locator("[data-testid=\"inspector-streaming\"]");
    assertThat(streaming).hasAttribute("data-on", "true");
    assertThat(streaming).containsText("窗口剩余 9:");
    assertThat(inspector.locator("[data-testid=\"inspector-json\"]"))
        .containsText("\"content\": \"abcdef\"");
    // A new event refreshes the open inspector.
    bot.contentOk(cardId, "md", "abcdefghi");
    assertThat(rows.filter(new Locator.FilterOptions().setHasText("append"))).hasCount(3);
  }

  @Test
  void replay_recordedHistory_retypesToTheFinalText() throws Exception {
    Page page = open();
    String cardId = bot.sendCard(CARD);
    Locator card = watchNewestCard(page);
    bot.contentOk(cardId, "md", "first");
    bot.contentOk(cardId, "md", "first second");
    bot.contentOk(cardId, "md", "first second third");
    page.waitForFunction("() => window.seen.includes('first second third')", null, LONG);
    card.locator("[data-testid=\"inspect-button\"]").click();
    page.locator("[data-testid=\"replay-button\"]").click();
    page.evaluate(
        "() => { const host = document.querySelector('[data-testid=\"replay-host\"]'); window.replayed = [];"
            + " const note = () => { const el = host.querySelector('[data-element-id=\"md\"]'); const t = el ? el.textContent.trim() : null;"
            + " if (t !== null && window.replayed[window.replayed.length - 1] !== t) window.replayed.push(t); };"
            + " note(); new MutationObserver(note).observe(host, { childList: true, subtree: true, characterData: true }); }");
    page.waitForFunction(
        "() => window.replayed[window.replayed.length - 1] === 'first second third'", null, LONG);
    @SuppressWarnings("unchecked")
    List<String> replayed = (List<String>) page.evaluate("() => window.replayed");
    assertThat(replayed.size()).isGreaterThan(5);
    assertThat(replayed).contains("first");
  }

  @Test
  void replay_historyWithAReplace_appliesEveryChangeAsViewersReceivedIt() throws Exception {
    // Regression: the replay was rebuilt from the final card and lost everything before an
    // element's last replace.
    Page page = open();
    String cardId = bot.sendCard(CARD);
    watchNewestCard(page);
    bot.contentOk(cardId, "md", "wrong answer");
    bot.contentOk(cardId, "md", "right"); // not a prefix extension: a replace
    bot.contentOk(cardId, "md", "right answer");
    page.waitForFunction("() => window.seen.includes('right answer')", null, LONG);

    @SuppressWarnings("unchecked")
    List<String> applied =
        (List<String>)
            page.evaluate(
                "async (cardId) => { const user = new URL(location.href).searchParams.get('user');"
                    + " const data = await (await fetch('/web/api/cards/' + cardId + '/inspector?user=' + encodeURIComponent(user))).json();"
                    + " const { exactReplay } = await import('/web/inspector.js');"
                    + " return exactReplay(data.events).frames.map((f) => f.frame)"
                    + "   .filter((f) => f.op === 'append' || f.op === 'replace').map((f) => f.op + ':' + f.text); }",
                cardId);

    // The exact changes, in order, with the text before the replace: what a live viewer saw.
    assertThat(applied).containsExactly("append:wrong answer", "replace:right", "append: answer");
  }

  @Test
  void previewSwitches_oldClientAndPlatform_rerenderTheShownCards() throws Exception {
    Page page = open();
    String cardId = bot.sendCard(CARD);
    Locator card = watchNewestCard(page);
    bot.contentOk(cardId, "md", "body text");
    page.waitForFunction("() => window.seen.includes('body text')", null, LONG);
    page.locator("[data-testid=\"client-version-switch\"]").selectOption("old");
    assertThat(card.locator("[data-testid=\"upgrade-notice\"]")).isVisible();
    assertThat(card.locator(".ock-title")).hasText("Live");
    assertThat(card.locator("[data-element-id=\"md\"]")).hasCount(0);
    page.locator("[data-testid=\"client-version-switch\"]").selectOption("legacy");
    assertThat(card.locator("[data-element-id=\"md\"]")).hasText("body text");
    page.locator("[data-testid=\"platform-switch\"]").selectOption("ios");
    assertThat(card.locator("[data-testid=\"card\"]"))
        .hasClass(java.util.regex.Pattern.compile("platform-ios"));
  }

  @Test
  void preview_streamingWindowRunsOut_chatPreviewAndForwardFollowWithoutACardEvent()
      throws Exception {
    try (TestServer shortWindow = TestServer.start(Clock.systemUTC(), Duration.ofSeconds(3))) {
      Bot shortBot = new Bot(shortWindow);
      Page page = browser.newPage();
      page.navigate(shortWindow.baseUrl() + "/?user=" + shortWindow.seed.alice);
      page.locator("[data-testid=\"connection-status\"][data-status=\"open\"]").waitFor();
      String cardId = shortBot.sendCard(CARD);
      shortBot.contentOk(cardId, "md", "soon closed");
      Locator preview =
          page.locator(
              "[data-testid=\"chat-item\"][data-chat-id=\""
                  + shortWindow.seed.chatId
                  + "\"] [data-testid=\"chat-preview\"]");
      assertThat(preview).hasText("[生成中...]");
      Locator card =
          page.locator(
              "[data-testid=\"message\"][data-message-id=\"" + shortBot.lastMessageId() + "\"]");
      assertThat(card.locator("[data-testid=\"forward-button\"]")).isDisabled();
      // The 3 s window closes by itself: the server sends a preview frame, the page re-checks the
      // deadline.
      assertThat(preview)
          .hasText(
              "Live",
              new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions()
                  .setTimeout(10_000));
      assertThat(card.locator("[data-testid=\"forward-button\"]")).isEnabled();
    }
  }
}
