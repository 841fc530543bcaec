package io.opencardkit.server.testkit;

import java.lang.reflect.AnnotatedElement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Checks after each test what the test did not look at: the test fails when the log (the server's,
 * and anything else in the JVM that logs through Logback) got a WARN or ERROR the test did not
 * declare ({@link ExpectedLog}, {@link #expectLog}), or when a registered check (for example a
 * browser page's uncaught errors) found a problem. The log is captured while the test runs and
 * printed only when the test fails.
 *
 * <p>{@link OpenCardKitTest} applies it; a test suite applies it to every test with JUnit's
 * extension autodetection ({@code junit.jupiter.extensions.autodetection.enabled=true} and this
 * class in {@code META-INF/services/org.junit.jupiter.api.extension.Extension}). Tests run one
 * after another: the checks of the running test are held statically.
 */
public final class AfterTestChecks implements BeforeEachCallback, AfterEachCallback {
  /** Something a test may have left broken: the problems found, none when all is well. */
  @FunctionalInterface
  public interface Check {
    List<String> problems();
  }

  /** The running test's capture, expectations and checks. */
  private static final class Run {
    final LogCapture log = LogCapture.start();
    final List<Expectation> expected = new ArrayList<>();
    final Map<String, Check> checks = new LinkedHashMap<>();
  }

  private record Expectation(ExpectedLog.Level level, String logger, String message) {
    boolean matches(LogCapture.Entry entry) {
      return entry.level().equals(level.name())
          && (logger.isEmpty()
              || entry.logger().equals(logger)
              || entry.logger().startsWith(logger + "."))
          && (entry.message().contains(message) || entry.thrown().contains(message));
    }
  }

  private static volatile Run current;

  /**
   * Lets the running test log a WARN or ERROR from {@code logger} (or a logger under it; empty for
   * any) whose message contains {@code message}; as {@link ExpectedLog} where the expectation is
   * only known at run time.
   */
  public static void expectLog(ExpectedLog.Level level, String logger, String message) {
    Run run = current;
    if (run != null) {
      synchronized (run.expected) {
        run.expected.add(new Expectation(level, logger, message));
      }
    }
  }

  /**
   * Runs {@code check} after the running test, which fails when it finds problems; {@code what}
   * names it in the failure (and a second check of the same name replaces the first). Outside a
   * checked test this does nothing.
   */
  public static void register(String what, Check check) {
    Run run = current;
    if (run != null) {
      synchronized (run.checks) {
        run.checks.put(what, check);
      }
    }
  }

  /** What the running test logged so far (empty outside a checked test). */
  public static List<LogCapture.Entry> log() {
    Run run = current;
    return run == null ? List.of() : run.log.entries();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    Run previous = current;
    if (previous != null) {
      // a test that was never finished (an aborted engine run): do not leak its appender
      previous.log.stop();
    }
    current = new Run();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Run run = current;
    current = null;
    if (run == null) {
      return;
    }
    run.log.stop();
    List<LogCapture.Entry> entries = run.log.entries();
    String wholeLog =
        entries.stream().map(LogCapture.Entry::line).collect(Collectors.joining("\n"));
    if (context.getExecutionException().isPresent()) {
      if (!entries.isEmpty()) {
        System.out.println(
            "The log of the failed test " + context.getDisplayName() + ":\n" + wholeLog);
      }
      return;
    }
    List<String> problems = new ArrayList<>();
    List<Expectation> expected = expectations(context, run);
    for (LogCapture.Entry entry : entries) {
      if (entry.isWarnOrWorse() && expected.stream().noneMatch(e -> e.matches(entry))) {
        problems.add(
            "unexpected " + entry.level() + " from " + entry.logger() + ": " + entry.message());
      }
    }
    synchronized (run.checks) {
      run.checks.forEach(
          (what, check) -> check.problems().forEach(p -> problems.add(what + ": " + p)));
    }
    if (!problems.isEmpty()) {
      throw new AssertionError(
          problems.size()
              + " problem(s) after the test (declare a WARN/ERROR the test expects"
              + " with @ExpectedLog):\n  "
              + String.join("\n  ", problems)
              + "\nThe test's log:\n"
              + wholeLog);
    }
  }

  /**
   * The test method's, its class's and its enclosing classes' {@link ExpectedLog}s, and those added
   * at run time.
   */
  private static List<Expectation> expectations(ExtensionContext context, Run run) {
    List<Expectation> all = new ArrayList<>();
    for (Optional<ExtensionContext> c = Optional.of(context);
        c.isPresent();
        c = c.get().getParent()) {
      c.get().getElement().ifPresent(element -> all.addAll(declared(element)));
    }
    synchronized (run.expected) {
      all.addAll(run.expected);
    }
    return all;
  }

  private static List<Expectation> declared(AnnotatedElement element) {
    return AnnotationSupport.findRepeatableAnnotations(element, ExpectedLog.class).stream()
        .map(e -> new Expectation(e.level(), e.logger(), e.message()))
        .collect(Collectors.toList());
  }
}
