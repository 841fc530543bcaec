package io.opencardkit.server.testkit;

import com.microsoft.playwright.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Predicate;

/**
 * Uncaught errors and console errors seen by each page. The kit's after-test checks report every
 * error of a page made during a test, unless the test said it expects it ({@link #expect}): a page
 * that threw fails the test even when the test did not look.
 */
public final class PageErrors {
  private static final Map<Page, List<String>> ERRORS = new WeakHashMap<>();
  private static final Map<Page, List<Predicate<String>>> EXPECTED = new WeakHashMap<>();

  private static final String BROWSER_NETWORK_NOTE = "console: Failed to load resource:";

  private PageErrors() {}

  public static synchronized void register(Page page, List<String> errors) {
    ERRORS.put(page, errors);
  }

  /** Every error {@code page} has seen so far. */
  public static synchronized List<String> of(Page page) {
    List<String> errors = ERRORS.get(page);
    return errors == null ? List.of() : List.copyOf(errors);
  }

  /**
   * Errors of {@code page} that match {@code expected} are part of the test (a 401 it provokes),
   * not a failure.
   */
  public static synchronized void expect(Page page, Predicate<String> expected) {
    EXPECTED.computeIfAbsent(page, p -> new ArrayList<>()).add(expected);
  }

  /**
   * The errors of {@code page} no expectation covers. Chromium's own console note of a request that
   * failed ("Failed to load resource: … 404") is not one: it is no script's error, and the tests
   * that provoke a refusal assert its status themselves.
   */
  static synchronized List<String> unexpected(Page page) {
    List<Predicate<String>> expected = EXPECTED.getOrDefault(page, List.of());
    return of(page).stream()
        .filter(error -> !error.startsWith(BROWSER_NETWORK_NOTE))
        .filter(error -> expected.stream().noneMatch(e -> e.test(error)))
        .toList();
  }
}
