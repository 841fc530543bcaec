package io.opencardkit.server.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.sun.net.httpserver.HttpServer;
import io.opencardkit.server.testkit.Await;
import io.opencardkit.server.testkit.BrowserFixture;
import io.opencardkit.server.testkit.TestServer;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, finding 8: a card's image from a foreign host is not requested by the browser until the
 * viewer clicks its placeholder (a tracking pixel learns nothing by itself), then shows; the chat
 * page's policy allows no foreign image. The "foreign" site is a local HTTP server on another host
 * name (127.0.0.2) that records what it is asked for.
 */
final class ForeignImageTest {
  private static final byte[] PIXEL =
      Base64.getDecoder()
          .decode(
              "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=");

  private final TestServer server = TestServer.start(Clock.systemUTC(), Duration.ofMinutes(10));
  private final BrowserFixture browser = BrowserFixture.launch();
  private final List<String> foreignRequests = Collections.synchronizedList(new ArrayList<>());
  private final HttpServer foreign = foreignSite();

  @AfterEach
  void stop() {
    browser.close();
    foreign.stop(0);
    server.close();
  }

  private HttpServer foreignSite() {
    try {
      HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.2", 0), 0);
      http.createContext(
          "/",
          exchange -> {
            foreignRequests.add(exchange.getRequestURI().getPath());
            exchange.getResponseHeaders().add("Content-Type", "image/png");
            exchange.sendResponseHeaders(200, PIXEL.length);
            exchange.getResponseBody().write(PIXEL);
            exchange.close();
          });
      http.start();
      return http;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private String foreignUrl(String path) {
    return "http://127.0.0.2:" + foreign.getAddress().getPort() + path;
  }

  @Test
  void foreignImage_isNotRequestedUntilClicked_thenShows() throws Exception {
    Bot bot = new Bot(server);
    String card =
        "{\"schema\":\"2.0\",\"body\":{\"elements\":["
            + "{\"tag\":\"img\",\"element_id\":\"im\",\"img_key\":\""
            + foreignUrl("/pixel.png")
            + "\",\"alt\":{\"tag\":\"plain_text\",\"content\":\"pixel\"}},"
            + "{\"tag\":\"markdown\",\"element_id\":\"md\",\"content\":\"see ![tracker]("
            + foreignUrl("/tracker.png")
            + ")\"}]}}";
    bot.sendCard(card);

    Page page = browser.newPage();
    Response loaded = page.navigate(server.baseUrl() + "/?user=" + server.seed.alice);
    assertThat(loaded.headerValue("content-security-policy")).contains("img-src 'self' data:;");
    page.locator("[data-testid=\"chat-item\"][data-chat-id=\"" + server.seed.chatId + "\"]")
        .click();
    Locator image = page.locator("[data-element-id=\"im\"] [data-testid=\"foreign-image\"]");
    Locator tracker = page.locator("[data-element-id=\"md\"] [data-testid=\"foreign-image\"]");
    assertThat(image).isVisible();
    assertThat(tracker).isVisible();
    assertThat(image).containsText("127.0.0.2");
    // Give any request the page might make its chance: a broken image of our own has reported its
    // error.
    page.evaluate(
        "() => new Promise((resolve) => { const img = new Image(); img.onerror = () => resolve(true);"
            + " img.src = '/web/missing-' + Date.now() + '.png'; })");
    assertThat(foreignRequests).isEmpty();

    image.click();

    Locator frame = page.locator("[data-element-id=\"im\"] [data-testid=\"foreign-image-frame\"]");
    assertThat(frame).isVisible();
    Await.until(Duration.ofSeconds(10), () -> foreignRequests.contains("/pixel.png"));
    // the frame is sandboxed (an origin of its own): Playwright looks inside it
    Locator shown =
        page.frameLocator("[data-element-id=\"im\"] [data-testid=\"foreign-image-frame\"]")
            .locator("img");
    Await.until(
        Duration.ofSeconds(10),
        () -> Boolean.TRUE.equals(shown.evaluate("img => img.complete && img.naturalWidth === 1")));
    assertThat(foreignRequests)
        .containsExactly("/pixel.png"); // the markdown's tracker is still not loaded
    assertThat(tracker).isVisible();
  }
}
