package io.opencardkit.server.browser;

import com.microsoft.playwright.Page;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/** Uncaught errors and console errors seen by each page, so a test can assert the page stayed healthy. */
public final class PageErrors {
  private static final Map<Page, List<String>> ERRORS = new WeakHashMap<>();

  private PageErrors() {}

  static synchronized void register(Page page, List<String> errors) {
    ERRORS.put(page, errors);
  }

  public static synchronized List<String> of(Page page) {
    List<String> errors = ERRORS.get(page);
    return errors == null ? List.of() : List.copyOf(errors);
  }
}
