package io.opencardkit.server.http;

import io.opencardkit.core.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One structured line per refused call, with what a bot author needs to find it: app, card, sequence, code, log id.
 * Never a secret or a token.
 */
public final class RefusalLog {
  private static final Logger LOG = LoggerFactory.getLogger("opencardkit.refused");

  private RefusalLog() {}

  public static void refused(String method, String path, String appId, String cardId, Integer sequence, ApiException e, String logId) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    LOG.info(
        "refused method={} path={} app_id={} card_id={} sequence={} code={} log_id={} msg=\"{}\"",
        method, path, appId == null ? "-" : appId, cardId == null ? "-" : cardId,
        sequence == null ? "-" : sequence, e.code().code(), logId, e.getMessage().replace('"', '\''));
  }
}
