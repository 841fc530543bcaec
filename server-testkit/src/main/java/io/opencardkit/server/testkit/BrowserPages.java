package io.opencardkit.server.testkit;

import com.microsoft.playwright.Page;

/**
 * Browser pages for {@link OpenCardKitTest}: the web chat of the seed's first user in Debian's
 * chromium, driven by Playwright. Loaded only when Playwright is on the test classpath (the kit
 * declares it optional), so a bot's tests that never ask for a page do not need it.
 */
final class BrowserPages {
  private BrowserPages() {}

  static Class<?> pageType() {
    return Page.class;
  }

  /** Alice's web chat, signed in and connected; its browser closes when the scope ends. */
  static Page alicesChat(ServerScope scope) {
    BrowserFixture browser = scope.closeAtEnd(BrowserFixture.launch());
    Page page = browser.newPage();
    page.navigate(scope.server().baseUrl() + "/?user=" + scope.server().seed.alice);
    page.locator("[data-testid=\"connection-status\"][data-status=\"open\"]").waitFor();
    return page;
  }
}
