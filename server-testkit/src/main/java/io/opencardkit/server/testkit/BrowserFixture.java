package io.opencardkit.server.testkit;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Headless Debian chromium driven by Playwright; one per test class (public: the dist module reuses
 * it from the test-jar).
 */
public final class BrowserFixture implements AutoCloseable {
  private static final List<String> ARGS =
      List.of(
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync");

  private final Playwright playwright;
  private final Browser browser;
  private final List<BrowserContext> contexts = new ArrayList<>();

  private BrowserFixture() {
    playwright =
        Playwright.create(
            new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    browser =
        playwright
            .chromium()
            .launch(
                new BrowserType.LaunchOptions()
                    .setExecutablePath(Paths.get("/usr/bin/chromium"))
                    .setHeadless(true)
                    .setArgs(ARGS));
  }

  public static BrowserFixture launch() {
    return new BrowserFixture();
  }

  /**
   * A fresh page in its own context; page errors (uncaught exceptions, console errors) are
   * collected in {@link PageErrors}, and a page made while a test runs fails it with any error the
   * test did not expect.
   */
  public Page newPage() {
    BrowserContext context =
        browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900));
    contexts.add(context);
    Page page = context.newPage();
    page.setDefaultTimeout(10_000);
    List<String> errors = Collections.synchronizedList(new ArrayList<>());
    page.onPageError(errors::add);
    page.onConsoleMessage(
        m -> {
          if ("error".equals(m.type())) {
            errors.add("console: " + m.text());
          }
        });
    PageErrors.register(page, errors);
    AfterTestChecks.register(
        "errors of browser page " + System.identityHashCode(page),
        () -> PageErrors.unexpected(page));
    return page;
  }

  @Override
  public void close() {
    contexts.forEach(BrowserContext::close);
    browser.close();
    playwright.close();
  }
}
