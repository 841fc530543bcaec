package io.opencardkit.server;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a server needs to start; immutable once built.
 *
 * @param host interface to bind
 * @param port TCP port, 0 for any free one
 * @param dataDir where the embedded database lives
 * @param seedFile seed YAML, or {@code null} to keep the stored directory (or create the demo one)
 * @param streamingTimeout streaming mode's auto-close window
 * @param tlsCert PEM certificate for HTTPS/WSS, or {@code null}
 * @param tlsKey PEM private key, or {@code null}
 * @param clock wall clock (tests inject a fake one)
 * @param webAuth how viewers of the web chat sign in
 * @param store where cards and messages are stored: {@code null} for the embedded SQLite file in
 *     {@code dataDir}, or a {@code postgresql://user@host:5432/db} URL shared by the nodes of a
 *     cluster
 * @param bus how the nodes of a cluster talk: {@code null} for a single node, or a {@code
 *     redis://host:6379} URL
 * @param serving how many event loops serve, and how WebSocket frames to browsers are compressed
 * @param access the web chat's sign-in settings beyond the mode: OpenID Connect, sessions, the
 *     message rate limit
 * @param templates the card templates directory ({@code --templates}), or {@code null} for none
 * @param connections deadlines and limits of HTTP connections (idle, headers, body, WebSocket
 *     handshake, counts)
 * @param operations where metrics are served and how long a stopping node drains (issue 12)
 */
public record ServerConfig(
    String host,
    int port,
    Path dataDir,
    Path seedFile,
    Duration streamingTimeout,
    Path tlsCert,
    Path tlsKey,
    Clock clock,
    WebAuth webAuth,
    String store,
    String bus,
    Serving serving,
    WebAccess access,
    Path templates,
    ConnectionLimits connections,
    Operations operations) {

  /**
   * What operators need from a node: metrics and a graceful stop.
   *
   * @param metricsPort the port of a separate listener for {@code GET /metrics} (on {@code host}),
   *     or {@code null} to serve it on the main port
   * @param shutdownTimeout how long a stopping node (SIGTERM) may drain before it closes whatever
   *     is left
   */
  public record Operations(Integer metricsPort, Duration shutdownTimeout) {
    public Operations {
      Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
      if (metricsPort != null && (metricsPort < 0 || metricsPort > 65535)) {
        throw new IllegalArgumentException("--metrics-port must be 0..65535: " + metricsPort);
      }
      if (shutdownTimeout.isNegative()) {
        throw new IllegalArgumentException("--shutdown-timeout must not be negative");
      }
    }

    /** Metrics on the main port; 10 seconds to drain. */
    public static Operations defaults() {
      return new Operations(null, Duration.ofSeconds(10));
    }
  }

  /** How viewers of the web chat sign in. */
  public enum WebAuth {
    /** {@code ?user=<open_id>} is enough; the page offers a picker of all users. */
    DEVELOPMENT,
    /**
     * The user's {@code token} from the seed, given once on a sign-in form (or per call as a bearer
     * token).
     */
    TOKEN,
    /**
     * OpenID Connect: the team's identity provider signs people in (see {@link WebAccess.Oidc}).
     */
    OIDC
  }

  /**
   * How a node serves.
   *
   * @param eventLoops event loops serving HTTP, the OpenAPI and WebSockets (each gets its own HTTP
   *     server on the port)
   * @param wsCompression how WebSocket frames to browsers that negotiated permessage-deflate are
   *     compressed
   * @param wsPingInterval a viewer socket (or a bot's long connection) silent this long is pinged,
   *     and dropped if it stays silent as long again
   * @param wsCloseTimeout a viewer socket that does not complete a close handshake within this is
   *     dropped (TCP reset)
   * @param transport how the event loops talk to the kernel's sockets
   */
  public record Serving(
      int eventLoops,
      WsCompression wsCompression,
      Duration wsPingInterval,
      Duration wsCloseTimeout,
      Transport transport) {
    public Serving {
      Objects.requireNonNull(wsCompression, "wsCompression");
      Objects.requireNonNull(transport, "transport");
      Objects.requireNonNull(wsPingInterval, "wsPingInterval");
      Objects.requireNonNull(wsCloseTimeout, "wsCloseTimeout");
      if (eventLoops < 1) {
        throw new IllegalArgumentException("--event-loops must be at least 1: " + eventLoops);
      }
      if (wsPingInterval.toMillis() < 1 || wsCloseTimeout.toMillis() < 1) {
        throw new IllegalArgumentException(
            "--ws-ping-interval and --ws-close-timeout must be positive");
      }
    }

    /**
     * One event loop per available processor, shared compression, pings after 30 s of silence, 5 s
     * to close, Linux's epoll where the machine has it.
     */
    public static Serving defaults() {
      return new Serving(
          Runtime.getRuntime().availableProcessors(),
          WsCompression.SHARED,
          Duration.ofSeconds(30),
          Duration.ofSeconds(5),
          Transport.NATIVE);
    }

    public Serving withEventLoops(int loops) {
      return new Serving(loops, wsCompression, wsPingInterval, wsCloseTimeout, transport);
    }

    public Serving withWsCompression(WsCompression compression) {
      return new Serving(eventLoops, compression, wsPingInterval, wsCloseTimeout, transport);
    }

    public Serving withLiveness(Duration pingInterval, Duration closeTimeout) {
      return new Serving(eventLoops, wsCompression, pingInterval, closeTimeout, transport);
    }

    public Serving withTransport(Transport newTransport) {
      return new Serving(eventLoops, wsCompression, wsPingInterval, wsCloseTimeout, newTransport);
    }
  }

  /** How the event loops reach the sockets (docs/design-decisions.md, "Native transport"). */
  public enum Transport {
    /**
     * Linux's epoll through Netty's native library, which the jar carries for x86_64 and aarch64:
     * fewer objects per socket and cheaper system calls. Where it cannot load (another OS, a {@code
     * /tmp} mounted noexec), the node serves with {@link #NIO} and logs why.
     */
    NATIVE,
    /** The JDK's NIO selector, on every platform. */
    NIO
  }

  /** permessage-deflate towards browsers (docs/design-decisions.md, "Compression"). */
  public enum WsCompression {
    /**
     * Each frame is compressed once and the same bytes go to every socket; negotiated with {@code
     * server_no_context_takeover} and {@code client_no_context_takeover}, so no socket keeps a zlib
     * context.
     */
    SHARED,
    /**
     * Each socket compresses with its own zlib context (context takeover): fewer bytes, more memory
     * and CPU.
     */
    PER_SOCKET,
    /** permessage-deflate is not offered back. */
    OFF
  }

  public ServerConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(webAuth, "webAuth");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(streamingTimeout, "streamingTimeout");
    Objects.requireNonNull(clock, "clock");
    serving = serving == null ? Serving.defaults() : serving;
    access = access == null ? WebAccess.defaults() : access;
    connections = connections == null ? ConnectionLimits.defaults() : connections;
    operations = operations == null ? Operations.defaults() : operations;
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535: " + port);
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException("--tls-cert and --tls-key go together");
    }
    store = store == null || store.isBlank() ? null : store.trim();
    bus = bus == null || bus.isBlank() ? null : bus.trim();
  }

  /** The configuration with the default {@link Operations}. */
  public ServerConfig(
      String host,
      int port,
      Path dataDir,
      Path seedFile,
      Duration streamingTimeout,
      Path tlsCert,
      Path tlsKey,
      Clock clock,
      WebAuth webAuth,
      String store,
      String bus,
      Serving serving,
      WebAccess access) {
    this(
        host,
        port,
        dataDir,
        seedFile,
        streamingTimeout,
        tlsCert,
        tlsKey,
        clock,
        webAuth,
        store,
        bus,
        serving,
        access,
        null,
        null,
        null);
  }

  /** The configuration of a single node on the embedded store. */
  public ServerConfig(
      String host,
      int port,
      Path dataDir,
      Path seedFile,
      Duration streamingTimeout,
      Path tlsCert,
      Path tlsKey,
      Clock clock,
      WebAuth webAuth) {
    this(
        host,
        port,
        dataDir,
        seedFile,
        streamingTimeout,
        tlsCert,
        tlsKey,
        clock,
        webAuth,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /** The configuration with the default {@link WebAccess} settings. */
  public ServerConfig(
      String host,
      int port,
      Path dataDir,
      Path seedFile,
      Duration streamingTimeout,
      Path tlsCert,
      Path tlsKey,
      Clock clock,
      WebAuth webAuth,
      String store,
      String bus) {
    this(
        host,
        port,
        dataDir,
        seedFile,
        streamingTimeout,
        tlsCert,
        tlsKey,
        clock,
        webAuth,
        store,
        bus,
        null,
        null,
        null,
        null,
        null);
  }

  /** The configuration with development sign-in for the web chat. */
  public ServerConfig(
      String host,
      int port,
      Path dataDir,
      Path seedFile,
      Duration streamingTimeout,
      Path tlsCert,
      Path tlsKey,
      Clock clock) {
    this(
        host,
        port,
        dataDir,
        seedFile,
        streamingTimeout,
        tlsCert,
        tlsKey,
        clock,
        WebAuth.DEVELOPMENT,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /**
   * Defaults: 127.0.0.1:8080, ./data, 10-minute streaming window, plain HTTP, system clock,
   * development sign-in.
   */
  public static ServerConfig defaults() {
    return new ServerConfig(
        "127.0.0.1",
        8080,
        Path.of("data"),
        null,
        Duration.ofMinutes(10),
        null,
        null,
        Clock.systemUTC());
  }

  public ServerConfig withPort(int newPort) {
    return new ServerConfig(
        host,
        newPort,
        dataDir,
        seedFile,
        streamingTimeout,
        tlsCert,
        tlsKey,
        clock,
        webAuth,
        store,
        bus,
        serving,
        access,
        templates,
        connections,
        operations);
  }

  public ServerConfig withDataDir(Path dir) {
    return new ServerConfig(
        host,
        port,
        dir,
        seedFile,
        streamingTimeout,
        tlsCert,
        tlsKey,
        clock,
        webAuth,
        store,
        bus,
        serving,
        access,
        templates,
        connections,
        operations);
  }

  public ServerConfig withSeed(Path seed) {
    return new ServerConfig(
        host,
        port,
        dataDir,
        seed,
        streamingTimeout,
        tlsCert,
        tlsKey,
        clock,
        webAuth,
        store,
        bus,
        serving,
        access,
        templates,
        connections,
        operations);
  }

  public ServerConfig withStreamingTimeout(Duration timeout) {
    return new ServerConfig(
        host,
        port,
        dataDir,
        seedFile,
        timeout,
        tlsCert,
        tlsKey,
        clock,
        webAuth,
        store,
        bus,
        serving,
        access,
        templates,
        connections,
        operations);
  }

  public ServerConfig withClock(Clock newClock) {
    return new ServerConfig(
        host,
        port,
        dataDir,
        seedFile,
        streamingTimeout,
        tlsCert,
        tlsKey,
        newClock,
        webAuth,
        store,
        bus,
        serving,
        access,
        templates,
        connections,
        operations);
  }

  public ServerConfig withTls(Path cert, Path key) {
    return new ServerConfig(
        host,
        port,
        dataDir,
        seedFile,
        streamingTimeout,
        cert,
        key,
        clock,
        webAuth,
        store,
        bus,
        serving,
        access,
        templates,
        connections,
        operations);
  }

  public ServerConfig withWebAuth(WebAuth auth) {
    return new ServerConfig(
        host,
        port,
        dataDir,
        seedFile,
        streamingTimeout,
        tlsCert,
        tlsKey,
        clock,
        auth,
        store,
        bus,
        serving,
        access,
        templates,
        connections,
        operations);
  }

  /**
   * Shares a store (a {@code postgresql://} URL) and a bus (a {@code redis://} URL) with other
   * nodes.
   */
  public ServerConfig withCluster(String storeUrl, String busUrl) {
    return new ServerConfig(
        host,
        port,
        dataDir,
        seedFile,
        streamingTimeout,
        tlsCert,
        tlsKey,
        clock,
        webAuth,
        storeUrl,
        busUrl,
        serving,
        access,
        templates,
        connections,
        operations);
  }

  public ServerConfig withAccess(WebAccess newAccess) {
    return new ServerConfig(
        host,
        port,
        dataDir,
        seedFile,
        streamingTimeout,
        tlsCert,
        tlsKey,
        clock,
        webAuth,
        store,
        bus,
        serving,
        newAccess,
        templates,
        connections,
        operations);
  }

  /**
   * Development sign-in on a node that others can reach, accepted anyway ({@code
   * --insecure-dev-login}): pages then warn about it.
   */
  public ServerConfig withInsecureDevLogin() {
    return withAccess(access.withInsecureDevLogin(true));
  }

  public ServerConfig withServing(Serving newServing) {
    return new ServerConfig(
        host,
        port,
        dataDir,
        seedFile,
        streamingTimeout,
        tlsCert,
        tlsKey,
        clock,
        webAuth,
        store,
        bus,
        newServing,
        access,
        templates,
        connections,
        operations);
  }

  public ServerConfig withConnections(ConnectionLimits limits) {
    return new ServerConfig(
        host,
        port,
        dataDir,
        seedFile,
        streamingTimeout,
        tlsCert,
        tlsKey,
        clock,
        webAuth,
        store,
        bus,
        serving,
        access,
        templates,
        limits,
        operations);
  }

  /** Serves the card templates of {@code dir} ({@code --templates}). */
  public ServerConfig withTemplates(Path dir) {
    return new ServerConfig(
        host,
        port,
        dataDir,
        seedFile,
        streamingTimeout,
        tlsCert,
        tlsKey,
        clock,
        webAuth,
        store,
        bus,
        serving,
        access,
        dir,
        connections,
        operations);
  }

  public ServerConfig withOperations(Operations newOperations) {
    return new ServerConfig(
        host,
        port,
        dataDir,
        seedFile,
        streamingTimeout,
        tlsCert,
        tlsKey,
        clock,
        webAuth,
        store,
        bus,
        serving,
        access,
        templates,
        connections,
        newOperations);
  }

  public boolean tls() {
    return tlsCert != null;
  }
}
