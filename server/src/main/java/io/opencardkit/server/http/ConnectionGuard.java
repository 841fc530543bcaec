package io.opencardkit.server.http;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.opencardkit.core.ErrorCode;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.impl.HttpServerConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Limits and deadlines of the node's HTTP connections, shared by its HTTP servers (one per event
 * loop): at most {@code maxConnections} open connections, at most {@code maxPerAddress} from one
 * client address (so one client cannot take the node's open files, and {@code /healthz} and
 * everyone else are still served), and the request deadlines of {@link RequestDeadlines} on each
 * HTTP/1.x connection.
 *
 * <p>A connection over a limit is answered at once with a Feishu envelope (429 {@code 99991400} for
 * its address, 503 {@code 300000} for the node) and closed; none of its requests reaches Vert.x.
 * Call {@link #accept} from the HTTP servers' connection handler, which Vert.x calls as soon as it
 * accepted a connection (after the TLS handshake, if any) when cleartext HTTP/2 detection is off,
 * as OpenCardKit's servers have it: so a connection that sends nothing, or half a request, is
 * counted, and its header deadline runs, from the start.
 */
public final class ConnectionGuard {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
  private static final AttributeKey<Boolean> COUNTED =
      AttributeKey.valueOf("okc.connectionCounted");

  private final int maxConnections;
  private final int maxPerAddress;
  private final RequestDeadlines.Settings deadlines;
  private final AtomicInteger open = new AtomicInteger();
  private final Map<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
  private final Counters counters = new Counters();

  /**
   * @param maxPerAddress 0 for no per-address limit
   */
  public ConnectionGuard(
      int maxConnections,
      int maxPerAddress,
      Duration headerTimeout,
      Duration bodyTimeout,
      Duration wsHandshakeTimeout) {
    this.maxConnections = maxConnections;
    this.maxPerAddress = maxPerAddress;
    this.deadlines =
        new RequestDeadlines.Settings(headerTimeout, bodyTimeout, wsHandshakeTimeout, counters);
  }

  /** What the guard refused and cut, for operators and tests. */
  public static final class Counters {
    private final LongAdder refusedForAddress = new LongAdder();
    private final LongAdder refusedForNode = new LongAdder();
    private final LongAdder headerTimeouts = new LongAdder();
    private final LongAdder bodyTimeouts = new LongAdder();
    private final LongAdder handshakeTimeouts = new LongAdder();

    void headerTimeout() {
      headerTimeouts.increment();
    }

    void bodyTimeout() {
      bodyTimeouts.increment();
    }

    void handshakeTimeout() {
      handshakeTimeouts.increment();
    }

    /**
     * Connections refused because their address held {@code --max-connections-per-address} already.
     */
    public long refusedForAddress() {
      return refusedForAddress.sum();
    }

    /** Connections refused because the node held {@code --max-connections} already. */
    public long refusedForNode() {
      return refusedForNode.sum();
    }

    public long headerTimeouts() {
      return headerTimeouts.sum();
    }

    public long bodyTimeouts() {
      return bodyTimeouts.sum();
    }

    public long handshakeTimeouts() {
      return handshakeTimeouts.sum();
    }
  }

  public Counters counters() {
    return counters;
  }

  /** Connections open now, refused ones until they are closed. */
  public int openConnections() {
    return open.get();
  }

  /**
   * Counts a new connection, refuses it if it is over a limit, else installs the request deadlines.
   */
  public void accept(HttpConnection connection) {
    if (!(connection instanceof HttpServerConnection)) {
      return; // not a connection of Vert.x's HTTP server as we know it: nothing to count it by
    }
    Channel channel = ((HttpServerConnection) connection).channelHandlerContext().channel();
    if (channel.attr(COUNTED).setIfAbsent(Boolean.TRUE) != null) {
      return; // counted already (Vert.x announces a channel again when it changes protocol)
    }
    InetAddress address =
        channel.remoteAddress() instanceof InetSocketAddress
            ? ((InetSocketAddress) channel.remoteAddress()).getAddress()
            : null;
    int fromAddress = address == null ? 0 : perAddress.merge(address, 1, Integer::sum);
    if (maxPerAddress > 0 && fromAddress > maxPerAddress) {
      // Refused before it counts for the node: a flooding address must not push the node over its
      // own limit.
      channel.closeFuture().addListener(closed -> releaseAddress(address));
      counters.refusedForAddress.increment();
      refuse(
          channel,
          429,
          "Too Many Requests",
          ErrorCode.RATE_LIMITED,
          "too many connections from "
              + address.getHostAddress()
              + ": at most "
              + maxPerAddress
              + " (--max-connections-per-address)");
      return;
    }
    int total = open.incrementAndGet();
    channel
        .closeFuture()
        .addListener(
            closed -> {
              open.decrementAndGet();
              releaseAddress(address);
            });
    if (total > maxConnections) {
      counters.refusedForNode.increment();
      refuse(
          channel,
          503,
          "Service Unavailable",
          ErrorCode.INTERNAL,
          "the server holds "
              + maxConnections
              + " connections, its limit (--max-connections); retry later");
    } else {
      RequestDeadlines.install(channel, deadlines);
    }
  }

  private void refuse(Channel channel, int status, String reason, ErrorCode code, String message) {
    if (LOG.isDebugEnabled()) {
      LOG.debug("connection from {} refused: {}", channel.remoteAddress(), message);
    }
    RequestDeadlines.dropRequests(channel);
    RawReply.sendAndClose(channel, status, reason, code, message, false);
  }

  private void releaseAddress(InetAddress address) {
    if (address != null) {
      perAddress.computeIfPresent(address, (k, n) -> n <= 1 ? null : n - 1);
    }
  }
}
