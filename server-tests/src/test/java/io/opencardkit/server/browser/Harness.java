package io.opencardkit.server.browser;

import com.microsoft.playwright.Page;
import io.opencardkit.server.testkit.BrowserFixture;

/** The page modules' harness (src/test/resources/harness), served by a {@link WebTestServer}. */
final class Harness {
  private Harness() {}

  /** Opens the module harness in a fresh page and waits until every module has loaded. */
  static Page open(BrowserFixture browser, WebTestServer server) {
    Page page = browser.newPage();
    page.navigate(server.baseUrl() + "/harness/index.html");
    page.waitForFunction("() => window.harnessReady === true");
    return page;
  }
}
