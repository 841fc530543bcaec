package io.opencardkit.server.http;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One line per OpenAPI call, accepted or refused, with what a bot author needs to find it: method,
 * route, app, card or message, sequence, code, duration and the log id the caller saw. Never a
 * body, a token or a secret. In {@code --log-format json} the same fields are also key-value pairs
 * of the event.
 */
public final class CallLog implements ApiCallListener {
  /** The logger's name, so that operators can route or silence the call log on its own. */
  public static final String LOGGER = "opencardkit.calls";

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

  @Override
  public void finished(ApiCall call) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    String duration = millis(TimeUnit.NANOSECONDS.toMicros(call.durationNanos()));
    LoggingEventBuilder line =
        LOG.atInfo()
            .addKeyValue("method", call.method())
            .addKeyValue("route", call.route())
            .addKeyValue("app_id", dash(call.appId()))
            .addKeyValue("card_id", dash(call.cardId()))
            .addKeyValue("message_id", dash(call.messageId()))
            .addKeyValue("sequence", call.sequence() == null ? "-" : call.sequence())
            .addKeyValue("code", call.code())
            .addKeyValue("status", call.httpStatus())
            .addKeyValue("duration_ms", duration)
            .addKeyValue("log_id", call.logId());
    String text =
        (call.refused() ? "refused" : "call")
            + " method="
            + call.method()
            + " route="
            + call.route()
            + " app_id="
            + dash(call.appId())
            + " card_id="
            + dash(call.cardId())
            + " message_id="
            + dash(call.messageId())
            + " sequence="
            + (call.sequence() == null ? "-" : call.sequence())
            + " code="
            + call.code()
            + " status="
            + call.httpStatus()
            + " duration_ms="
            + duration
            + " log_id="
            + call.logId();
    if (call.refusal() != null) {
      String msg = call.refusal().replace('"', '\'').replace('\n', ' ');
      line = line.addKeyValue("msg", msg);
      text += " msg=\"" + msg + "\"";
    }
    line.log(text);
  }

  /**
   * Microseconds as milliseconds with three decimals ({@code 1234} → {@code 1.234}), without a
   * Formatter per call.
   */
  static String millis(long micros) {
    long fraction = micros % 1000;
    return (micros / 1000) + (fraction < 10 ? ".00" : fraction < 100 ? ".0" : ".") + fraction;
  }

  private static String dash(String value) {
    return value == null ? "-" : value;
  }
}
