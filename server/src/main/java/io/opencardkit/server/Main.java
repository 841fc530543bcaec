package io.opencardkit.server;

import io.opencardkit.core.store.StorageException;
import io.opencardkit.server.directory.SeedException;
import io.opencardkit.store.postgres.PostgresCardStore;
import io.opencardkit.store.postgres.PostgresConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code opencardkit} command line. */
@Command(
    name = "opencardkit",
    mixinStandardHelpOptions = true,
    version = "OpenCardKit 0.1.0",
    description = "A self-hostable, Feishu-compatible streaming-card server.",
    subcommands = {Main.Serve.class, Main.Migrate.class})
public final class Main implements Runnable {
  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** {@code opencardkit serve}: runs the server until it is stopped. */
  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description = "Run the OpenCardKit server.")
  static final class Serve implements Callable<Integer> {
    @Option(
        names = "--host",
        defaultValue = "127.0.0.1",
        description = "Interface to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(
        names = "--port",
        defaultValue = "8080",
        description = "TCP port (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Option(
        names = "--data",
        defaultValue = "./data",
        description = "Data directory (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--seed", description = "Seed YAML with apps, users and chats.")
    Path seed;

    @Option(
        names = "--streaming-timeout",
        defaultValue = "10m",
        converter = DurationConverter.class,
        description =
            "Streaming mode closes itself this long after it was opened (default: ${DEFAULT-VALUE}); e.g. 90s, 10m, 1h.")
    Duration streamingTimeout;

    @Option(
        names = "--tls-cert",
        description = "PEM certificate: serve HTTPS and WSS on the same port.")
    Path tlsCert;

    @Option(names = "--tls-key", description = "PEM private key for --tls-cert.")
    Path tlsKey;

    @Option(
        names = "--web-auth",
        defaultValue = "development",
        converter = WebAuthConverter.class,
        description =
            "Web chat sign-in: development (?user=<open_id>, the default; loopback only), token (each user's token "
                + "from the seed) or oidc (your OpenID Connect identity provider).")
    ServerConfig.WebAuth webAuth;

    @Option(
        names = "--insecure-dev-login",
        description =
            "Keep development sign-in on a node others can reach (not loopback, or --store/--bus): anyone who reaches it "
                + "reads every chat as anyone. Pages show a warning.")
    boolean insecureDevLogin;

    @Option(
        names = "--oidc-issuer",
        defaultValue = "${env:OPENCARDKIT_OIDC_ISSUER:-}",
        paramLabel = "URL",
        description =
            "--web-auth oidc: the identity provider's issuer URL (or env OPENCARDKIT_OIDC_ISSUER).")
    String oidcIssuer;

    @Option(
        names = "--oidc-client-id",
        defaultValue = "${env:OPENCARDKIT_OIDC_CLIENT_ID:-}",
        paramLabel = "ID",
        description =
            "--web-auth oidc: this server's client id at the provider (or env OPENCARDKIT_OIDC_CLIENT_ID).")
    String oidcClientId;

    @Option(
        names = "--oidc-client-secret",
        defaultValue = "${env:OPENCARDKIT_OIDC_CLIENT_SECRET:-}",
        paramLabel = "SECRET",
        description =
            "--web-auth oidc: the client's secret (or env OPENCARDKIT_OIDC_CLIENT_SECRET, which ps does not show).")
    String oidcClientSecret;

    @Option(
        names = "--oidc-user-claim",
        defaultValue = "${env:OPENCARDKIT_OIDC_USER_CLAIM:-email}",
        paramLabel = "CLAIM",
        description =
            "--web-auth oidc: the ID token claim matched against each user's email (else open_id) in the directory "
                + "(default: email).")
    String oidcUserClaim;

    @Option(
        names = "--oidc-auto-provision",
        description =
            "--web-auth oidc: add a person the directory does not know as a new user instead of refusing them.")
    boolean oidcAutoProvision;

    @Option(
        names = "--oidc-redirect-uri",
        defaultValue = "${env:OPENCARDKIT_OIDC_REDIRECT_URI:-}",
        paramLabel = "URL",
        description =
            "--web-auth oidc: the callback address registered at the provider, https://<public host>/web/auth/callback "
                + "(default: derived from each request's Host).")
    String oidcRedirectUri;

    @Option(
        names = "--web-session-timeout",
        defaultValue = "12h",
        converter = DurationConverter.class,
        description = "How long a web sign-in (token, oidc) lasts (default: ${DEFAULT-VALUE}).")
    Duration webSessionTimeout;

    @Option(
        names = "--web-message-rate",
        defaultValue = "5",
        paramLabel = "N",
        description =
            "Messages a person may send per second and chat from the web chat (default: ${DEFAULT-VALUE}, as Feishu; 0: no limit).")
    int webMessageRate;

    @Option(
        names = "--demo",
        description =
            "Also run the demo bot (a streamed answer to every message, with a feedback selector).")
    boolean demo;

    @Option(
        names = "--store",
        defaultValue = "${env:OPENCARDKIT_STORE:-}",
        paramLabel = "URL",
        description =
            "Shared store of a cluster: postgresql://user[:password]@host:5432/db[?schema=name] "
                + "(or env OPENCARDKIT_STORE). Default: the embedded SQLite file in --data.")
    String store;

    @Option(
        names = "--bus",
        defaultValue = "${env:OPENCARDKIT_BUS:-}",
        paramLabel = "URL",
        description =
            "How the nodes of a cluster talk: redis://[:password@]host:6379 (or env OPENCARDKIT_BUS). Default: none (one node).")
    String bus;

    @Option(
        names = "--event-loops",
        paramLabel = "N",
        description =
            "Event loops serving HTTP, the OpenAPI and WebSockets (default: one per available processor).")
    Integer eventLoops;

    @Option(
        names = "--ws-compression",
        defaultValue = "shared",
        converter = WsCompressionConverter.class,
        description =
            "permessage-deflate towards browsers: shared (each frame compressed once for every socket, the "
                + "default), per-socket (a zlib context per socket: fewer bytes, more memory and CPU) or off.")
    ServerConfig.WsCompression wsCompression;

    @Option(
        names = "--transport",
        defaultValue = "native",
        converter = TransportConverter.class,
        description =
            "How the event loops reach the sockets: native (Linux's epoll, the default; the node falls back "
                + "to nio, and says so, where it is not available) or nio (the JDK's selector).")
    ServerConfig.Transport transport;

    @Option(
        names = "--ws-ping-interval",
        defaultValue = "30s",
        converter = DurationConverter.class,
        description =
            "A web chat socket or a bot's long connection silent this long is pinged, and dropped if it stays silent as "
                + "long again (default: ${DEFAULT-VALUE}).")
    Duration wsPingInterval;

    @Option(
        names = "--ws-close-timeout",
        defaultValue = "5s",
        converter = DurationConverter.class,
        description =
            "A web chat socket closed by the server (for instance for falling behind) that does not complete the "
                + "close handshake within this is dropped at the TCP level (default: ${DEFAULT-VALUE}).")
    Duration wsCloseTimeout;

    @Option(
        names = "--templates",
        paramLabel = "DIR",
        description =
            "Card templates: DIR/<template_id>.json (latest) and DIR/<template_id>@<version>.json, card JSON 2.0 "
                + "exported from the card builder; reloaded when a file changes.")
    Path templates;

    // Connection deadlines and limits (docs/deploy.md, "Connection deadlines and limits").
    @Option(
        names = "--idle-timeout",
        defaultValue = "60s",
        converter = DurationConverter.class,
        description =
            "An HTTP connection on which nothing is read or written for this long is closed (default: ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Option(
        names = "--header-timeout",
        defaultValue = "10s",
        converter = DurationConverter.class,
        description =
            "A request's line and headers (and a TLS handshake) must arrive within this, else 408 (default: ${DEFAULT-VALUE}).")
    Duration headerTimeout;

    @Option(
        names = "--body-timeout",
        defaultValue = "60s",
        converter = DurationConverter.class,
        description =
            "A request's body must arrive within this after its headers, else 408 (default: ${DEFAULT-VALUE}).")
    Duration bodyTimeout;

    @Option(
        names = "--ws-handshake-timeout",
        defaultValue = "10s",
        converter = DurationConverter.class,
        description =
            "A WebSocket upgrade request must be answered within this, else 503 (default: ${DEFAULT-VALUE}).")
    Duration wsHandshakeTimeout;

    @Option(
        names = "--max-connections",
        paramLabel = "N",
        description =
            "Open connections the node accepts; more are refused with 503 (default: the open-files limit less "
                + "the larger of 256 and a tenth of it).")
    Integer maxConnections;

    @Option(
        names = "--max-connections-per-address",
        paramLabel = "N",
        description =
            "Open connections one client address may hold; more are refused with 429 (default: 1000, or half of "
                + "--max-connections if less; 0: no limit, e.g. behind a proxy that limits its clients itself).")
    Integer maxConnectionsPerAddress;

    private ConnectionLimits connectionLimits() {
      int max = maxConnections == null ? ConnectionLimits.defaultMaxConnections() : maxConnections;
      int perAddress =
          maxConnectionsPerAddress == null
              ? ConnectionLimits.defaultMaxPerAddress(max)
              : maxConnectionsPerAddress;
      return new ConnectionLimits(
          idleTimeout, headerTimeout, bodyTimeout, wsHandshakeTimeout, max, perAddress);
    }

    @Option(
        names = "--metrics-port",
        paramLabel = "PORT",
        description =
            "Serve GET /metrics (Prometheus) on this port of --host instead of the main port.")
    Integer metricsPort;

    @Option(
        names = "--shutdown-timeout",
        defaultValue = "10s",
        converter = DurationConverter.class,
        description =
            "On SIGTERM, how long the node may drain (calls in flight, viewers and bots told to reconnect) "
                + "before it closes what is left and exits (default: ${DEFAULT-VALUE}).")
    Duration shutdownTimeout;

    @Option(
        names = "--log-format",
        defaultValue = "${env:OPENCARDKIT_LOG_FORMAT:-text}",
        converter = LogFormatConverter.class,
        description =
            "text (the default) or json: one JSON object per log line (or env OPENCARDKIT_LOG_FORMAT).")
    LogFormat logFormat;

    private WebAccess webAccess() {
      boolean oidcGiven =
          !oidcIssuer.isBlank() || !oidcClientId.isBlank() || !oidcClientSecret.isBlank();
      WebAccess.Oidc oidc =
          webAuth == ServerConfig.WebAuth.OIDC || oidcGiven
              ? new WebAccess.Oidc(
                  oidcIssuer,
                  oidcClientId,
                  oidcClientSecret,
                  oidcUserClaim,
                  oidcAutoProvision,
                  oidcRedirectUri)
              : null;
      return new WebAccess(insecureDevLogin, oidc, webSessionTimeout, webMessageRate);
    }

    @Override
    public Integer call() throws InterruptedException {
      logFormat.apply();
      ServerConfig config;
      try {
        ServerConfig.Serving serving =
            new ServerConfig.Serving(
                eventLoops == null ? Runtime.getRuntime().availableProcessors() : eventLoops,
                wsCompression,
                wsPingInterval,
                wsCloseTimeout,
                transport);
        config =
            new ServerConfig(
                host,
                port,
                data,
                seed,
                streamingTimeout,
                tlsCert,
                tlsKey,
                Clock.systemUTC(),
                webAuth,
                store,
                bus,
                serving,
                webAccess(),
                templates,
                connectionLimits(),
                new ServerConfig.Operations(metricsPort, shutdownTimeout));
      } catch (IllegalArgumentException e) {
        System.err.println("opencardkit: " + e.getMessage());
        return 2;
      }
      OpenCardKitServer server;
      try {
        server = OpenCardKitServer.start(config, System.out);
      } catch (SeedException e) {
        System.err.println("opencardkit: seed file rejected: " + e.getMessage());
        return 2;
      } catch (IllegalArgumentException e) {
        System.err.println("opencardkit: " + e.getMessage());
        return 2;
      } catch (StorageException e) {
        System.err.println("opencardkit: cannot open the store: " + e.getMessage());
        return 1;
      } catch (DataDirLock.HeldException e) {
        System.err.println("opencardkit: " + e.getMessage());
        return 1;
      }
      if (config.store() != null && config.bus() == null) {
        System.err.println(
            "opencardkit: warning: --store without --bus: this node does not hear of other nodes' changes; "
                + "run several nodes with --bus redis://… (one node alone on PostgreSQL is fine)");
      }
      String where =
          config.store() == null && config.bus() == null
              ? "data: " + data.toAbsolutePath().normalize()
              : server.backendsDescription();
      System.out.println("OpenCardKit listening on " + server.baseUrl() + " (" + where + ")");
      System.out.flush();
      DemoMode demoMode = null;
      if (demo) {
        try {
          demoMode = DemoMode.start(server, System.out);
        } catch (Exception e) {
          System.err.println("opencardkit: cannot start the demo bot: " + e.getMessage());
          server.close();
          return 1;
        }
      }
      DemoMode bot = demoMode;
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    // SIGTERM: drain within --shutdown-timeout (docs/deploy.md, "Stopping a node");
                    // a close that hangs anyway
                    // must not keep the process alive, so a watchdog halts it some seconds after
                    // the bound.
                    Thread watchdog =
                        new Thread(
                            () -> {
                              try {
                                Thread.sleep(shutdownTimeout.plusSeconds(10).toMillis());
                                System.err.println(
                                    "opencardkit: still stopping "
                                        + shutdownTimeout.plusSeconds(10).toSeconds()
                                        + " s after SIGTERM: halting");
                                Runtime.getRuntime().halt(1);
                              } catch (InterruptedException e) {
                                // stopped in time
                              }
                            },
                            "okc-shutdown-watchdog");
                    watchdog.setDaemon(true);
                    watchdog.start();
                    server.stopGracefully();
                    if (bot != null) {
                      bot.close();
                    }
                    LogFormat.flushAndStop();
                    System.err.println("opencardkit: stopped");
                    stopped.countDown();
                    watchdog.interrupt();
                  },
                  "okc-shutdown"));
      stopped.await();
      return 0;
    }
  }

  /**
   * {@code opencardkit migrate}: brings the PostgreSQL schema of a cluster up to date, then exits.
   */
  @Command(
      name = "migrate",
      mixinStandardHelpOptions = true,
      description =
          "Apply pending schema migrations to the PostgreSQL store (nodes also do so when they start).")
  static final class Migrate implements Callable<Integer> {
    @Option(
        names = "--store",
        defaultValue = "${env:OPENCARDKIT_STORE:-}",
        paramLabel = "URL",
        description =
            "postgresql://user[:password]@host:5432/db[?schema=name] (or env OPENCARDKIT_STORE).")
    String store;

    @Override
    public Integer call() {
      if (!Backends.isPostgres(store)) {
        System.err.println(
            "opencardkit: migrate needs --store postgresql://… (the embedded SQLite store migrates itself)");
        return 2;
      }
      PostgresConfig config;
      try {
        config = PostgresConfig.parse(store);
      } catch (IllegalArgumentException e) {
        System.err.println("opencardkit: " + e.getMessage());
        return 2;
      }
      try {
        PostgresCardStore.migrate(config);
      } catch (StorageException e) {
        System.err.println(
            "opencardkit: migration of " + config.redacted() + " failed: " + e.getMessage());
        return 1;
      }
      System.out.println("OpenCardKit schema is up to date in " + config.redacted());
      return 0;
    }
  }

  /** Parses {@code development}, {@code token} or {@code oidc}. */
  static final class WebAuthConverter implements CommandLine.ITypeConverter<ServerConfig.WebAuth> {
    @Override
    public ServerConfig.WebAuth convert(String value) {
      return choice(ServerConfig.WebAuth.class, value);
    }
  }

  /** Parses {@code text} or {@code json}. */
  static final class LogFormatConverter implements CommandLine.ITypeConverter<LogFormat> {
    @Override
    public LogFormat convert(String value) {
      return choice(LogFormat.class, value);
    }
  }

  /** Parses {@code shared}, {@code per-socket} or {@code off}. */
  static final class WsCompressionConverter
      implements CommandLine.ITypeConverter<ServerConfig.WsCompression> {
    @Override
    public ServerConfig.WsCompression convert(String value) {
      return choice(ServerConfig.WsCompression.class, value);
    }
  }

  /** Parses {@code native} or {@code nio}. */
  static final class TransportConverter
      implements CommandLine.ITypeConverter<ServerConfig.Transport> {
    @Override
    public ServerConfig.Transport convert(String value) {
      return choice(ServerConfig.Transport.class, value);
    }
  }

  /**
   * The constant of {@code type} that a flag's {@code value} names: the constant's name in lower
   * case with '-' for '_' ({@code PER_SOCKET} is {@code per-socket}), whatever the case given. The
   * refusal lists every choice in the enum's order: "'x' is not shared, per-socket or off".
   */
  static <E extends Enum<E>> E choice(Class<E> type, String value) {
    String wanted = value.trim().toLowerCase(Locale.ROOT);
    List<String> names = new ArrayList<>();
    for (E constant : type.getEnumConstants()) {
      String name = constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
      if (name.equals(wanted)) {
        return constant;
      }
      names.add(name);
    }
    String last = names.remove(names.size() - 1);
    throw new CommandLine.TypeConversionException(
        "'" + value + "' is not " + String.join(", ", names) + " or " + last);
  }

  /** Parses 90s, 10m, 1h, 500ms, or an ISO-8601 duration. */
  public static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String v = value.trim().toLowerCase(java.util.Locale.ROOT);
      try {
        if (v.endsWith("ms")) {
          return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        long amount = Long.parseLong(v.substring(0, v.length() - 1));
        switch (v.charAt(v.length() - 1)) {
          case 's':
            return Duration.ofSeconds(amount);
          case 'm':
            return Duration.ofMinutes(amount);
          case 'h':
            return Duration.ofHours(amount);
          default:
            return Duration.parse(value);
        }
      } catch (RuntimeException e) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not a duration such as 90s, 10m or 1h");
      }
    }
  }
}
