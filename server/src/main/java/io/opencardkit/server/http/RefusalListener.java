package io.opencardkit.server.http;

import io.opencardkit.core.ApiException;

/**
 * Told about each refused API call, on the request's event loop (so it must not block). Put one in
 * the routing context under {@link Responder#REFUSAL_LISTENER}; the web inspector keeps the
 * refusals of each card this way.
 */
@FunctionalInterface
public interface RefusalListener {
  void refused(
      String method,
      String path,
      String appId,
      String cardId,
      Integer sequence,
      ApiException refusal,
      String logId);
}
