package io.opencardkit.server.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import io.opencardkit.server.testkit.BrowserFixture;
import io.opencardkit.server.testkit.MutableClock;
import io.opencardkit.server.testkit.PageErrors;
import io.opencardkit.server.testkit.TestCluster;
import io.opencardkit.server.testkit.TestIdentityProvider;
import io.opencardkit.server.web.BotCalls;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OpenID Connect sign-in end to end in Chromium, on two nodes sharing a store and a bus, against a
 * real provider with a login page: the chat and its WebSocket, the session on the other node,
 * sign-out on every node, expiry, and a person the directory does not know.
 */
final class OidcBrowserTest {
  private final MutableClock clock = MutableClock.startingNow();
  private TestIdentityProvider idp;
  private TestCluster cluster;
  private BrowserFixture browser;

  @BeforeEach
  void start() {
    idp = TestIdentityProvider.interactive();
    cluster = TestCluster.start(2, clock, Duration.ofMinutes(10), c -> idp.configure(c, false));
    browser = BrowserFixture.launch();
  }

  @AfterEach
  void stop() {
    browser.close();
    cluster.close();
    idp.close();
  }

  /** On the provider's login page: types who the person is, as they would. */
  private void signInAtProvider(Page page, String subject, String email) {
    page.locator("input[name=\"username\"]").waitFor();
    assertThat(page.url()).startsWith(idp.issuer());
    page.locator("input[name=\"username\"]").fill(subject);
    page.locator("textarea[name=\"claims\"]")
        .fill("{\"email\":\"" + email + "\",\"email_verified\":true}");
    page.locator("input[type=\"submit\"]").click();
  }

  private static Locator message(Page page, String text) {
    return page.locator("[data-testid=\"message\"]")
        .filter(new Locator.FilterOptions().setHasText(text));
  }

  @Test
  void signIn_chatLive_onTheOtherNode_thenSignOutEverywhere_thenExpiry() throws Exception {
    Page onA = browser.newPage();
    onA.navigate(cluster.baseUrl(0) + "/?chat=" + cluster.seed.chatId);
    signInAtProvider(onA, "alice-at-idp", cluster.seed.aliceEmail);
    assertThat(onA.locator("[data-testid=\"viewer\"]")).hasText("Alice");
    assertThat(onA.url()).contains("chat=" + cluster.seed.chatId); // back where the sign-in started
    onA.locator("[data-testid=\"connection-status\"][data-status=\"open\"]").waitFor();
    new BotCalls(cluster.client(0), () -> cluster.node(0).runtime())
        .sendText(cluster.seed.chatId, "pushed over the socket");
    assertThat(message(onA, "pushed over the socket")).isVisible();

    // The same browser on the other node: the session cookie signs it in there, WebSocket included.
    Page onB = onA.context().newPage();
    onB.navigate(cluster.baseUrl(1) + "/?chat=" + cluster.seed.chatId);
    assertThat(onB.locator("[data-testid=\"viewer\"]")).hasText("Alice");
    onB.locator("[data-testid=\"connection-status\"][data-status=\"open\"]").waitFor();
    onB.locator("[data-testid=\"composer\"]").fill("sent through node B");
    onB.locator("[data-testid=\"composer\"]").press("Enter");
    assertThat(message(onA, "sent through node B")).isVisible();

    // Signing out on B ends the session on A too: A's socket closes, and its page asks the provider
    // again.
    onB.locator("[data-testid=\"sign-out\"]").click();
    onB.locator("[data-testid=\"signed-out\"]").waitFor();
    onA.locator("input[name=\"username\"]").waitFor();
    assertThat(onA.request().get(cluster.baseUrl(0) + "/web/api/session").status()).isEqualTo(401);
    assertThat(onA.request().get(cluster.baseUrl(1) + "/web/api/session").status()).isEqualTo(401);

    // Signed in again, until the session's 12 hours have passed.
    signInAtProvider(onA, "alice-at-idp", cluster.seed.aliceEmail);
    assertThat(onA.locator("[data-testid=\"viewer\"]")).hasText("Alice");
    onA.locator("[data-testid=\"connection-status\"][data-status=\"open\"]").waitFor();
    assertThat(onA.request().get(cluster.baseUrl(1) + "/web/api/session").status()).isEqualTo(200);
    clock.advance(Duration.ofHours(12).plusSeconds(1));
    onA.locator("input[name=\"username\"]")
        .waitFor(new Locator.WaitForOptions().setTimeout(30_000)); // nodes check every 5 s
    assertThat(onA.request().get(cluster.baseUrl(0) + "/web/api/session").status()).isEqualTo(401);
    assertThat(onA.request().get(cluster.baseUrl(1) + "/web/api/chats").status()).isEqualTo(401);
    // No script failed (the browser's own notes of refused requests aside).
    assertThat(PageErrors.of(onA)).allMatch(e -> e.startsWith("console: "));
    assertThat(PageErrors.of(onB)).allMatch(e -> e.startsWith("console: "));
    PageErrors.expect(onA, e -> e.startsWith("console: "));
    PageErrors.expect(onB, e -> e.startsWith("console: "));
  }

  @Test
  void aPersonTheDirectoryDoesNotKnow_isToldSo() {
    Page page = browser.newPage();
    page.navigate(cluster.baseUrl(1) + "/");
    signInAtProvider(page, "mallory-at-idp", "mallory@example.com");
    assertThat(page.locator("[data-testid=\"signin-unknown-user\"]"))
        .containsText("mallory@example.com is not a user of this OpenCardKit");
    assertThat(page.request().get(cluster.baseUrl(1) + "/web/api/session").status()).isEqualTo(401);
  }
}
