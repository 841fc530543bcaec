package io.opencardkit.server;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;
import java.util.Objects;

/**
 * Deadlines and limits of the node's HTTP connections, so that no client can hold the node's
 * connections (or its open files) for long: see {@code docs/deploy.md}, "Connection deadlines and
 * limits".
 *
 * @param idleTimeout an HTTP connection on which nothing is read or written for this long is closed
 *     (WebSockets are kept alive by pings instead, see {@link ServerConfig.Serving#wsPingInterval})
 * @param headerTimeout a request's line and headers must arrive within this from its first byte
 *     (and a TLS handshake must finish within it)
 * @param bodyTimeout a request's body must arrive within this from the end of its headers
 * @param wsHandshakeTimeout a WebSocket upgrade request must be answered (upgraded or refused)
 *     within this
 * @param maxConnections open connections the node accepts at most; more are refused with 503
 * @param maxConnectionsPerAddress open connections one client address may hold; more are refused
 *     with 429; 0 for no limit (behind a proxy every connection comes from the proxy's address)
 */
public record ConnectionLimits(
    Duration idleTimeout,
    Duration headerTimeout,
    Duration bodyTimeout,
    Duration wsHandshakeTimeout,
    int maxConnections,
    int maxConnectionsPerAddress) {
  /** What the per-address default never exceeds. */
  static final int DEFAULT_MAX_PER_ADDRESS = 1000;

  /** Used when the open-files limit cannot be read (not a Unix JVM). */
  static final int DEFAULT_MAX_CONNECTIONS = 10_000;

  public ConnectionLimits {
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(headerTimeout, "headerTimeout");
    Objects.requireNonNull(bodyTimeout, "bodyTimeout");
    Objects.requireNonNull(wsHandshakeTimeout, "wsHandshakeTimeout");
    positive(idleTimeout, "--idle-timeout");
    positive(headerTimeout, "--header-timeout");
    positive(bodyTimeout, "--body-timeout");
    positive(wsHandshakeTimeout, "--ws-handshake-timeout");
    if (maxConnections < 1) {
      throw new IllegalArgumentException("--max-connections must be at least 1: " + maxConnections);
    }
    if (maxConnectionsPerAddress < 0) {
      throw new IllegalArgumentException(
          "--max-connections-per-address must be 0 (no limit) or more: "
              + maxConnectionsPerAddress);
    }
  }

  private static void positive(Duration value, String flag) {
    if (value.toMillis() < 1) {
      throw new IllegalArgumentException(flag + " must be positive: " + value);
    }
  }

  /**
   * Idle 60 s, headers 10 s, body 60 s, WebSocket handshake 10 s; {@link #defaultMaxConnections()}
   * connections, of which one address may hold {@link #defaultMaxPerAddress(int)}.
   */
  public static ConnectionLimits defaults() {
    int max = defaultMaxConnections();
    return new ConnectionLimits(
        Duration.ofSeconds(60),
        Duration.ofSeconds(10),
        Duration.ofSeconds(60),
        Duration.ofSeconds(10),
        max,
        defaultMaxPerAddress(max));
  }

  /**
   * The process's open-files limit less what the node needs besides its clients' connections (the
   * store, the jars, logs, connections to bots, PostgreSQL and Redis): the larger of 256 and a
   * tenth of the limit. So the node refuses a connection cleanly instead of failing to accept it
   * ("Too many open files").
   */
  public static int defaultMaxConnections() {
    long limit = openFilesLimit();
    if (limit <= 0) {
      return DEFAULT_MAX_CONNECTIONS;
    }
    long reserve = Math.max(256, limit / 10);
    return (int) Math.max(16, Math.min(Integer.MAX_VALUE, limit - reserve));
  }

  /** 1,000, or half of {@code maxConnections} if less: one address never takes the whole node. */
  public static int defaultMaxPerAddress(int maxConnections) {
    return Math.max(1, Math.min(DEFAULT_MAX_PER_ADDRESS, maxConnections / 2));
  }

  /** The open-files limit of this process ({@code ulimit -n}), or -1 when the JVM does not say. */
  static long openFilesLimit() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.UnixOperatingSystemMXBean) {
      return ((com.sun.management.UnixOperatingSystemMXBean) os).getMaxFileDescriptorCount();
    }
    return -1;
  }

  public ConnectionLimits withTimeouts(
      Duration idle, Duration header, Duration body, Duration wsHandshake) {
    return new ConnectionLimits(
        idle, header, body, wsHandshake, maxConnections, maxConnectionsPerAddress);
  }

  public ConnectionLimits withMaxConnections(int max, int perAddress) {
    return new ConnectionLimits(
        idleTimeout, headerTimeout, bodyTimeout, wsHandshakeTimeout, max, perAddress);
  }
}
