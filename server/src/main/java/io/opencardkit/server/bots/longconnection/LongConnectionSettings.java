package io.opencardkit.server.bots.longconnection;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.Json;

/**
 * The {@code ClientConfig} the endpoint answer and every pong carry, in seconds as the SDKs read
 * them: how often a client pings, and how it reconnects (count {@code -1}: forever; a random wait
 * up to the nonce, then every interval). The defaults are the SDKs' own.
 */
record LongConnectionSettings(
    int pingIntervalSeconds,
    int reconnectCount,
    int reconnectIntervalSeconds,
    int reconnectNonceSeconds) {
  static final LongConnectionSettings DEFAULT = new LongConnectionSettings(120, -1, 120, 30);

  /**
   * {@code {"PingInterval","ReconnectCount","ReconnectInterval","ReconnectNonce"}}; all four,
   * always (see pong).
   */
  ObjectNode clientConfig() {
    return Json.object()
        .put("PingInterval", pingIntervalSeconds)
        .put("ReconnectCount", reconnectCount)
        .put("ReconnectInterval", reconnectIntervalSeconds)
        .put("ReconnectNonce", reconnectNonceSeconds);
  }
}
