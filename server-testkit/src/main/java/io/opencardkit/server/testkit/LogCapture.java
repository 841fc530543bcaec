package io.opencardkit.server.testkit;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * The JVM's log (Logback, the server's backend) while one test runs. While capturing, the root
 * logger's own appenders are set aside and every event is kept here instead, so a passing test
 * prints nothing and a failing one can print everything. One capture at a time: the test engine
 * runs tests one after another.
 */
public final class LogCapture {
  /** One logged event, formatted when it was logged. */
  public record Entry(
      Instant time, String level, String logger, String thread, String message, String thrown) {
    /** Whether this is a WARN or an ERROR. */
    public boolean isWarnOrWorse() {
      return level.equals("WARN") || level.equals("ERROR");
    }

    /** The event as one line (and the stack trace below it), as the server's text log shows it. */
    public String line() {
      return time
          + " "
          + level
          + " ["
          + thread
          + "] "
          + logger
          + " - "
          + message
          + (thrown.isEmpty() ? "" : "\n" + thrown);
    }
  }

  private final List<Entry> entries = new CopyOnWriteArrayList<>();
  private final List<Appender<ILoggingEvent>> setAside = new ArrayList<>();
  private final Logger root;
  private final AppenderBase<ILoggingEvent> appender =
      new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
          IThrowableProxy thrown = event.getThrowableProxy();
          entries.add(
              new Entry(
                  Instant.ofEpochMilli(event.getTimeStamp()),
                  event.getLevel().toString(),
                  event.getLoggerName(),
                  event.getThreadName(),
                  event.getFormattedMessage(),
                  thrown == null ? "" : ThrowableProxyUtil.asString(thrown)));
        }
      };

  private LogCapture(Logger root) {
    this.root = root;
  }

  /** Starts capturing; without Logback (another SLF4J backend) the capture stays empty. */
  public static LogCapture start() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext)) {
      return new LogCapture(null);
    }
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    LogCapture capture = new LogCapture(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME));
    capture.appender.setContext(context);
    capture.appender.setName("opencardkit-test-capture");
    capture.appender.start();
    for (Iterator<Appender<ILoggingEvent>> it = capture.root.iteratorForAppenders();
        it.hasNext(); ) {
      capture.setAside.add(it.next());
    }
    capture.root.addAppender(capture.appender);
    capture.setAside.forEach(capture.root::detachAppender);
    return capture;
  }

  /** What was logged so far. */
  public List<Entry> entries() {
    return List.copyOf(entries);
  }

  /** Stops capturing and gives the root logger its own appenders back. */
  public void stop() {
    if (root == null) {
      return;
    }
    setAside.forEach(root::addAppender);
    root.detachAppender(appender);
    appender.stop();
  }
}
