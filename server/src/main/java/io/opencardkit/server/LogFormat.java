package io.opencardkit.server;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import org.slf4j.LoggerFactory;

/**
 * How the node writes its log ({@code serve --log-format}): {@code text} lines for people
 * (logback.xml, the default every JVM starts with) or one JSON object per line for log shippers
 * (logback-json.xml).
 */
enum LogFormat {
  TEXT("/logback.xml"),
  JSON("/logback-json.xml");

  private final String configuration;

  LogFormat(String configuration) {
    this.configuration = configuration;
  }

  /**
   * Writes out the lines still queued (the appender is asynchronous) and stops logging: the process
   * is ending.
   */
  static void flushAndStop() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext) {
      ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    }
  }

  /** Reconfigures logging for this format; lines logged before keep the default format. */
  void apply() {
    if (this == TEXT) {
      return; // what logback read at start-up
    }
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext)) {
      return; // another backend (an embedding application's): leave it alone
    }
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    URL file = LogFormat.class.getResource(configuration);
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    context.reset();
    try {
      configurator.doConfigure(file);
    } catch (JoranException e) {
      throw new IllegalStateException("cannot configure logging from " + configuration, e);
    }
  }
}
