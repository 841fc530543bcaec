package io.opencardkit.server.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.WaitForSelectorState;
import io.opencardkit.server.testkit.BrowserFixture;
import io.opencardkit.server.testkit.PageErrors;
import io.opencardkit.server.testkit.TestServer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The message list follows a streamed answer while the person is at the bottom, and stays put when
 * they scrolled up. What the person sees is checked in the page at every growth of the answer and
 * every scroll: a ResizeObserver of the test, created after the page's, runs after the page's in
 * the same frame (observers run in creation order), i.e. with the page's correction applied and
 * before the frame is painted.
 */
final class FollowBottomTest {
  static final String LONG_ANSWER =
      "{\"schema\":\"2.0\",\"header\":{\"title\":{\"tag\":\"plain_text\",\"content\":\"Long answer\"}},"
          + "\"config\":{\"streaming_mode\":true,\"streaming_config\":{\"print_frequency_ms\":{\"default\":10},\"print_step\":{\"default\":3}}},"
          + "\"body\":{\"elements\":[{\"tag\":\"markdown\",\"content\":\"\",\"element_id\":\"md\"}]}}";
  static final String BUTTONS =
      "[{\"tag\":\"button\",\"element_id\":\"up\",\"text\":{\"tag\":\"plain_text\",\"content\":\"有帮助\"}},"
          + "{\"tag\":\"button\",\"element_id\":\"down\",\"text\":{\"tag\":\"plain_text\",\"content\":\"没帮助\"}}]";
  private static final Page.WaitForFunctionOptions LONG =
      new Page.WaitForFunctionOptions().setTimeout(20_000);

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
  void startServer() throws Exception {
    server = TestServer.start(Clock.systemUTC(), Duration.ofMinutes(10));
    bot = new Bot(server);
    for (int i = 1; i <= 12; i++) {
      bot.sendMessage(
          "text", "{\"text\":\"earlier message " + i + "\"}"); // enough history to scroll
    }
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private Page open() {
    Page page = browser.newPage();
    page.setDefaultTimeout(20_000);
    page.setViewportSize(1280, 800);
    page.navigate(server.baseUrl() + "/?user=" + server.seed.alice + "&chat=" + server.seed.chatId);
    page.locator("[data-testid=\"message\"]")
        .filter(new Locator.FilterOptions().setHasText("earlier message 12"))
        .waitFor();
    page.locator("[data-testid=\"connection-status\"][data-status=\"open\"]").waitFor();
    return page;
  }

  private static String line(int i) {
    return "第 " + i + " 行：the answer goes on and on";
  }

  private static String lines(int upTo) {
    List<String> all = new ArrayList<>();
    for (int i = 1; i <= upTo; i++) {
      all.add(line(i));
    }
    return String.join("\n\n", all);
  }

  /** Streams lines {@code from}..{@code to}, waiting after each until the page has typed it. */
  private void stream(Page page, String cardId, int from, int to) throws Exception {
    for (int i = from; i <= to; i++) {
      bot.contentOk(cardId, "md", lines(i));
      page.waitForFunction(
          "([id, l]) => { const el = document.querySelector('[data-message-id=\"' + id + '\"] [data-element-id=\"md\"]');"
              + " return el && el.textContent.includes(l); }",
          List.of(bot.lastMessageId(), line(i)),
          LONG);
    }
  }

  /**
   * Records in {@code window.follow} every growth of the answer and every scroll: whether the
   * bottom of the answer's last element was inside the list's view, and the list's scrollTop.
   */
  private static void watch(Page page, String messageId) {
    page.evaluate(
        "(id) => { const list = document.querySelector('[data-testid=\"messages\"]');"
            + " const card = document.querySelector('[data-message-id=\"' + id + '\"]');"
            + " const f = window.follow = { checks: 0, hidden: [], tops: [] };"
            + " const check = (why) => { const last = card.querySelector('.ock-body > :last-child') || card;"
            + "   const l = list.getBoundingClientRect(); const r = last.getBoundingClientRect(); f.checks++;"
            + "   f.tops.push(list.scrollTop);"
            + "   if (r.bottom > l.bottom + 0.5 || r.bottom < l.top) f.hidden.push(why + ': last element ends at ' + r.bottom + ', view ' + l.top + '..' + l.bottom); };"
            + " new ResizeObserver(() => check('growth')).observe(card);"
            + " list.addEventListener('scroll', () => check('scroll')); }",
        messageId);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> follow(Page page) {
    return (Map<String, Object>) page.evaluate("() => window.follow");
  }

  @Test
  void streamedAnswer_atTheBottom_keepsTheLastLineInViewAtEveryStep() throws Exception {
    Page page = open();
    String cardId = bot.sendCard(LONG_ANSWER);
    page.locator("[data-message-id=\"" + bot.lastMessageId() + "\"]").waitFor();
    watch(page, bot.lastMessageId());

    stream(page, cardId, 1, 40);
    bot.appendElements(cardId, BUTTONS); // buttons added at the end
    page.locator("[data-message-id=\"" + bot.lastMessageId() + "\"] [data-element-id=\"down\"]")
        .waitFor();
    page.waitForFunction(
        "() => window.follow.tops.length > 0 && document.querySelector('[data-testid=\"messages\"]').scrollTop > 0");

    Map<String, Object> follow = follow(page);
    assertThat((List<?>) follow.get("hidden"))
        .as("moments the last line was out of view")
        .isEmpty();
    assertThat((Integer) follow.get("checks")).as("growths seen").isGreaterThan(40);
    assertThat(page.locator("[data-element-id=\"down\"]")).isInViewport();
    assertThat(page.locator("[data-testid=\"new-messages\"]")).isHidden();
    assertThat(PageErrors.of(page)).isEmpty();
  }

  @Test
  void streamedAnswer_scrolledUp_staysWhereItIsAndTheControlTakesThemDown() throws Exception {
    Page page = open();
    String cardId = bot.sendCard(LONG_ANSWER);
    page.locator("[data-message-id=\"" + bot.lastMessageId() + "\"]").waitFor();
    stream(page, cardId, 1, 10);
    Locator list = page.locator("[data-testid=\"messages\"]");
    list.hover();
    page.mouse().wheel(0, -500); // the person scrolls up to read
    page.waitForFunction(
        "() => new Promise((done) => { const list = document.querySelector('[data-testid=\"messages\"]'); const a = list.scrollTop;"
            + " requestAnimationFrame(() => requestAnimationFrame(() => done(list.scrollTop === a"
            + " && list.scrollHeight - list.scrollTop - list.clientHeight > 200))); })",
        null,
        LONG);
    Number readingAt = (Number) list.evaluate("(el) => el.scrollTop");
    watch(page, bot.lastMessageId());

    stream(page, cardId, 11, 40);
    bot.sendMessage("text", "{\"text\":\"a message while reading\"}");
    Locator control = page.locator("[data-testid=\"new-messages\"]");
    assertThat(control).hasText("1 条新消息 ↓");

    @SuppressWarnings("unchecked")
    List<Number> tops = (List<Number>) follow(page).get("tops");
    assertThat((Integer) follow(page).get("checks")).isGreaterThan(30);
    assertThat(tops)
        .allSatisfy(
            top -> assertThat(top.doubleValue()).isEqualTo(readingAt.doubleValue())); // never moved
    assertThat((Number) list.evaluate("(el) => el.scrollTop")).isEqualTo(readingAt);

    control.click();
    page.waitForFunction(
        "() => { const l = document.querySelector('[data-testid=\"messages\"]'); return l.scrollHeight - l.scrollTop - l.clientHeight < 1; }",
        null,
        LONG);
    assertThat(control).isHidden();
    assertThat(
            page.locator("[data-testid=\"message\"]")
                .filter(new Locator.FilterOptions().setHasText("a message while reading")))
        .isInViewport();
    // Back at the bottom, it follows again.
    watch(page, bot.lastMessageId());
    bot.sendMessage("text", "{\"text\":\"and one more\"}");
    assertThat(
            page.locator("[data-testid=\"message\"]")
                .filter(new Locator.FilterOptions().setHasText("and one more")))
        .isInViewport();
  }

  @Test
  void openingAChat_landsAtTheBottom_andAnImageThatLoadsLateDoesNotPushItOff() throws Exception {
    List<Route> held = new ArrayList<>();
    Page page = browser.newPage();
    page.setDefaultTimeout(20_000);
    page.setViewportSize(1280, 800);
    page.route("**/late-image.svg", held::add); // answered when the test says so
    String image = server.baseUrl() + "/late-image.svg";
    bot.sendMessage(
        "interactive",
        "{\"schema\":\"2.0\",\"body\":{\"elements\":[{\"tag\":\"markdown\",\"content\":\"a picture: ![chart]("
            + image
            + ")\",\"element_id\":\"m\"}]}}");
    page.navigate(server.baseUrl() + "/?user=" + server.seed.alice + "&chat=" + server.seed.chatId);
    page.locator("img.md-img")
        .waitFor(
            new Locator.WaitForOptions().setState(WaitForSelectorState.ATTACHED)); // no size yet
    page.waitForCondition(() -> !held.isEmpty());
    page.waitForFunction(
        "() => { const l = document.querySelector('[data-testid=\"messages\"]'); return l.scrollTop > 0 && l.scrollHeight - l.scrollTop - l.clientHeight < 1; }");

    held.get(0)
        .fulfill(
            new Route.FulfillOptions()
                .setContentType("image/svg+xml")
                .setBody(
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"400\" height=\"600\"><rect width=\"400\" height=\"600\" fill=\"#3370ff\"/></svg>"));
    page.waitForFunction(
        "() => { const img = document.querySelector('img.md-img'); return img.complete && img.getBoundingClientRect().height > 500; }");

    // The list follows the image's growth (a ResizeObserver callback in the frame that laid it
    // out); on a loaded
    // machine the check may run in that frame's animation callbacks, before the observer's, so it
    // waits for the bottom:
    // a list that stopped following would never get there and the wait would fail.
    page.waitForFunction(
        "() => { const l = document.querySelector('[data-testid=\"messages\"]'); return l.scrollHeight - l.scrollTop - l.clientHeight < 1; }");
    assertThat(page.locator("img.md-img")).isInViewport();
  }
}
