package io.opencardkit.server.browser;

import com.microsoft.playwright.Page;
import io.opencardkit.server.testkit.BrowserFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the module tests: one static server for the page's files and one chromium per class, a
 * fresh harness page per test (the page exposes the ES modules to {@code page.evaluate}).
 */
abstract class HarnessTest {
  static WebTestServer server;
  static BrowserFixture browser;
  Page page;

  @BeforeAll
  static void startAll() {
    server = WebTestServer.start();
    browser = BrowserFixture.launch();
  }

  @AfterAll
  static void stopAll() {
    browser.close();
    server.close();
  }

  @BeforeEach
  void openHarness() {
    page = Harness.open(browser, server);
  }
}
