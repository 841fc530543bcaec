package io.opencardkit.server.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A WARN or ERROR this test (on a method) or every test of the class (on the class) may log without
 * failing ({@link AfterTestChecks}). Declare the narrowest match: the logger and a part of the
 * message.
 *
 * <pre>
 * &#64;ExpectedLog(level = ExpectedLog.Level.WARN, logger = "io.opencardkit.server.bots.BotDispatcher",
 *     message = "event dropped after")
 * </pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Repeatable(ExpectedLog.List.class)
public @interface ExpectedLog {
  /** The severity the event has (exactly). */
  Level level() default Level.WARN;

  /** The logger's name, or a package whose loggers may log it; empty for any logger. */
  String logger() default "";

  /** A part of the formatted message (or of the stack trace logged with it). */
  String message();

  /** The severities the checks look at. */
  enum Level {
    WARN,
    ERROR
  }

  /** Several {@link ExpectedLog}s on one element. */
  @Documented
  @Retention(RetentionPolicy.RUNTIME)
  @Target({ElementType.TYPE, ElementType.METHOD})
  @interface List {
    ExpectedLog[] value();
  }
}
