package io.opencardkit.server;

import io.opencardkit.core.bus.ClusterBus;
import io.opencardkit.core.engine.CardEngine;
import io.opencardkit.core.engine.CardLimits;
import io.opencardkit.core.store.CardStore;
import io.opencardkit.core.store.DeliveryStore;
import io.opencardkit.core.store.ForwardingCardStore;
import io.opencardkit.server.auth.AuthApi;
import io.opencardkit.server.auth.TokenService;
import io.opencardkit.server.bots.BotDispatcher;
import io.opencardkit.server.bots.callback.CardCallbacks;
import io.opencardkit.server.bots.callback.DelayedCardUpdateApi;
import io.opencardkit.server.bots.callback.DelayedCardUpdates;
import io.opencardkit.server.cards.CardIds;
import io.opencardkit.server.cards.CardKitApi;
import io.opencardkit.server.cards.CardRuntime;
import io.opencardkit.server.cluster.ClusterReplica;
import io.opencardkit.server.cluster.ReplicatingStore;
import io.opencardkit.server.contact.ContactApi;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.directory.DirectoryBootstrap;
import io.opencardkit.server.directory.DirectoryHolder;
import io.opencardkit.server.http.ApiCallListener;
import io.opencardkit.server.http.CallLog;
import io.opencardkit.server.http.ConnectionGuard;
import io.opencardkit.server.http.Draining;
import io.opencardkit.server.http.HttpFrontDoor;
import io.opencardkit.server.http.HttpListeners;
import io.opencardkit.server.im.ChatApi;
import io.opencardkit.server.im.ImApi;
import io.opencardkit.server.im.ImageApi;
import io.opencardkit.server.im.MessageRevisionApi;
import io.opencardkit.server.im.MessageRevisions;
import io.opencardkit.server.im.MessageService;
import io.opencardkit.server.im.ReactionApi;
import io.opencardkit.server.im.Reactions;
import io.opencardkit.server.metrics.NodeMetrics;
import io.opencardkit.server.metrics.VertxMetricsSetup;
import io.opencardkit.server.templates.TemplateLibrary;
import io.opencardkit.server.web.WebChat;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running OpenCardKit: store, card runtime, HTTP API. Start with {@link #start}, stop with {@link
 * #close}.
 */
public final class OpenCardKitServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OpenCardKitServer.class);
  private static final int MAX_CARDS_IN_MEMORY = 20_000;
  private static final Duration KEEP_IDLE_CARDS = Duration.ofDays(30);

  private final AtomicBoolean closing = new AtomicBoolean();
  private final ServerConfig config;
  private final Vertx vertx;
  private final CardStore store;
  private final ClusterBus bus;
  private final ExecutorService blocking;
  private final CardRuntime runtime;
  private final HttpListeners http;
  private final DirectoryHolder directory;
  private final WebChat web;
  private final BotDispatcher bots;
  private final TemplateLibrary templates;
  private final Operating operating;
  private DataDirLock dataDirLock; // the embedded store's directory, held until close

  private OpenCardKitServer(
      ServerConfig config,
      Vertx vertx,
      CardStore store,
      ClusterBus bus,
      ExecutorService blocking,
      CardRuntime runtime,
      HttpListeners http,
      DirectoryHolder directory,
      WebChat web,
      BotDispatcher bots,
      TemplateLibrary templates,
      Operating operating) {
    this.config = config;
    this.vertx = vertx;
    this.store = store;
    this.bus = bus;
    this.blocking = blocking;
    this.runtime = runtime;
    this.http = http;
    this.directory = directory;
    this.web = web;
    this.bots = bots;
    this.templates = templates;
    this.operating = operating;
  }

  /**
   * Opens the store (the data directory's SQLite file, or the cluster's PostgreSQL), joins the
   * cluster's bus if one is configured, establishes the directory of apps/users/chats and starts
   * listening. Returns once the server accepts requests.
   */
  public static OpenCardKitServer start(ServerConfig config, PrintStream console) {
    requireSafeSignIn(config, false);
    DataDirLock lock = null;
    if (config.store() == null) {
      try {
        Files.createDirectories(config.dataDir());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the data directory " + config.dataDir(), e);
      }
      lock =
          DataDirLock.acquire(
              config.dataDir()); // before the store: a second process must not even open it
    }
    NodeMetrics metrics = new NodeMetrics();
    Vertx vertx = newVertx(config, metrics);
    CardStore store = null;
    try {
      store = Backends.openStore(config);
      ClusterBus bus = Backends.openBus(config, vertx);
      OpenCardKitServer server =
          start(config, console, vertx, store, bus, Backends.isPostgres(config.store()), metrics);
      server.dataDirLock = lock;
      return server;
    } catch (RuntimeException e) {
      if (store != null) {
        store.close();
      }
      vertx.close();
      if (lock != null) {
        lock.close();
      }
      throw e;
    }
  }

  /**
   * Starts on a store and a bus opened by the caller (tests use this to run several nodes in one
   * JVM); the server closes both when it is closed.
   *
   * @param sharedStore whether other nodes write to the store too
   */
  public static OpenCardKitServer start(
      ServerConfig config,
      PrintStream console,
      CardStore store,
      ClusterBus bus,
      boolean sharedStore) {
    requireSafeSignIn(config, sharedStore || bus != ClusterBus.local());
    NodeMetrics metrics = new NodeMetrics();
    Vertx vertx = newVertx(config, metrics);
    try {
      return start(config, console, vertx, store, bus, sharedStore, metrics);
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
  }

  /**
   * As many event loops as the node serves with: the HTTP servers, the viewer hub and the bots
   * share them. Vert.x's own metrics go into the node's registry.
   */
  private static Vertx newVertx(ServerConfig config, NodeMetrics metrics) {
    boolean wantNative = config.serving().transport() == ServerConfig.Transport.NATIVE;
    Vertx vertx =
        VertxMetricsSetup.build(
            new VertxOptions()
                .setEventLoopPoolSize(config.serving().eventLoops())
                .setPreferNativeTransport(wantNative),
            metrics);
    if (vertx.isNativeTransportEnabled()) {
      LOG.info("Serving on {} event loops with Linux's epoll", config.serving().eventLoops());
    } else if (wantNative && epollOnClassPath()) {
      Throwable cause = vertx.unavailableNativeTransportCause();
      LOG.warn(
          "The native transport is not available ({}): serving on {} event loops with Java NIO",
          cause == null ? "no cause given" : cause.toString(),
          config.serving().eventLoops());
    } else {
      LOG.info("Serving on {} event loops with Java NIO", config.serving().eventLoops());
    }
    return vertx;
  }

  /**
   * Whether Netty's epoll classes are here: the product's jar carries them; a program that embeds
   * the server module without them (the client's tests, the examples) serves with NIO, as it chose,
   * and is not warned.
   */
  private static boolean epollOnClassPath() {
    try {
      Class.forName(
          "io.netty.channel.epoll.Epoll", false, OpenCardKitServer.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /**
   * Refuses a sign-in that would expose the chats (see {@link SignInPolicy}).
   *
   * @throws IllegalArgumentException saying what is wrong and which flag to use
   */
  private static void requireSafeSignIn(ServerConfig config, boolean clustered) {
    SignInPolicy.refusal(config, clustered)
        .ifPresent(
            problem -> {
              throw new IllegalArgumentException(problem);
            });
  }

  private static OpenCardKitServer start(
      ServerConfig config,
      PrintStream console,
      Vertx vertx,
      CardStore raw,
      ClusterBus bus,
      boolean sharedStore,
      NodeMetrics metrics) {
    boolean clustered = bus != ClusterBus.local();
    CardStore store = clustered ? new ReplicatingStore(raw, bus) : raw;
    try {
      TemplateLibrary templates =
          config.templates() == null
              ? TemplateLibrary.none()
              : TemplateLibrary.open(config.templates());
      DirectoryHolder directory =
          new DirectoryHolder(DirectoryBootstrap.establish(store, config.seedFile(), console));
      return startWith(
          config, vertx, store, bus, directory, sharedStore || clustered, templates, metrics);
    } catch (RuntimeException e) {
      bus.close();
      store.close();
      throw e;
    }
  }

  private static OpenCardKitServer startWith(
      ServerConfig config,
      Vertx vertx,
      CardStore store,
      ClusterBus bus,
      DirectoryHolder directory,
      boolean shared,
      TemplateLibrary templates,
      NodeMetrics metrics) {
    ExecutorService blocking = Executors.newFixedThreadPool(8, daemonThreads("okc-blocking"));
    CardEngine engine =
        new CardEngine(
            config.clock(), CardLimits.feishu().withStreamingTimeout(config.streamingTimeout()));
    // Nodes of a cluster differ in the node bits of their card ids; a collision (same bits, same
    // millisecond) is
    // refused by the store and retried with the next id, so a random node number is enough.
    CardIds ids =
        shared
            ? new CardIds(config.clock(), new SecureRandom().nextInt(1024))
            : new CardIds(config.clock(), 0, CardIds.lastIssuedIn(store));
    CardRuntime runtime = new CardRuntime(store, engine, blocking, ids, shared);
    MessageService messages = new MessageService(directory, store, runtime, blocking);
    TokenService tokens = new TokenService(directory, config.clock());
    Reactions reactions = new Reactions(directory, store, blocking, config.clock(), shared);
    BotDispatcher bots =
        BotDispatcher.start(vertx, config.clock(), directory, bus, deliveriesOf(store), !shared);
    messages.useOutbox(bots);
    CardCallbacks callbacks =
        new CardCallbacks(config.clock(), directory, runtime, messages, bots, templates);
    DelayedCardUpdates delayedUpdates =
        new DelayedCardUpdates(store, runtime, messages, blocking, config.clock());
    callbacks.withDelayedUpdates(delayedUpdates);
    WebChat web =
        new WebChat(
            vertx, config, directory, store, runtime, messages, reactions, callbacks, blocking);
    ClusterReplica replica =
        new ClusterReplica(runtime, messages, reactions, directory, bots, web::reloadViewers)
            .alsoOnMeta(web::metaChangedElsewhere)
            .useFrames(web.frames());
    metrics.bindCluster(replica, web.frames());
    bus.listen(replica);
    if (store instanceof ReplicatingStore) {
      ((ReplicatingStore) store).shipFramesFrom(web.frames());
      ((ReplicatingStore) store)
          .startHeartbeats(); // only now: nothing may be broadcast before the node listens
      vertx.setPeriodic(ClusterReplica.CHECK_PEERS_MILLIS, id -> replica.checkPeers());
    }

    Router router = Router.router(vertx);
    Draining draining = new Draining();
    HttpFrontDoor.mountFirst(
        router, config.clock(), ApiCallListener.both(new CallLog(), metrics), draining);
    Operating.bindMetrics(metrics, store, bus, web, bots);
    if (config.operations().metricsPort() == null) {
      Operating.mountMetrics(router, metrics);
    }
    web.mountBeforeApis(router);
    new AuthApi(tokens, directory).mount(router);
    new CardKitApi(runtime, messages, templates).mount(router);
    new ReactionApi(reactions).mount(router);
    new ImageApi(store, directory, config.clock(), blocking).mount(router);
    new ImApi(messages, templates).mount(router);
    new ContactApi(directory).mount(router);
    new MessageRevisionApi(new MessageRevisions(store, messages, blocking, config.clock()))
        .mount(router);
    new ChatApi(directory).mount(router);
    new DelayedCardUpdateApi(delayedUpdates).mount(router);
    bots.longConnectionApi()
        .withLiveness(config.clock(), config.serving().wsPingInterval())
        .mount(router);
    web.mount(router);
    HttpFrontDoor.mountLast(router);

    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(config.host())
            .setPort(config.port())
            .setCompressionSupported(false);
    options.setPerMessageWebSocketCompressionSupported(
        config.serving().wsCompression() != ServerConfig.WsCompression.OFF);
    ConnectionGuard guard = connectionGuard(config.connections(), options);
    metrics.bindConnections(guard);
    if (config.tls()) {
      options
          .setSsl(true)
          .setKeyCertOptions(
              new PemKeyCertOptions()
                  .setCertPath(config.tlsCert().toString())
                  .setKeyPath(config.tlsKey().toString()));
    }
    HttpListeners http;
    Operating operating;
    try {
      ServerConfig.WsCompression compression = config.serving().wsCompression();
      http =
          HttpListeners.listen(
              vertx,
              options,
              router,
              HttpFrontDoor::invalidRequest,
              connection -> {
                guard.accept(connection);
                WebChat.prepareConnection(connection, compression);
              },
              config.serving().eventLoops());
      operating = Operating.start(vertx, config, metrics, draining, http);
    } catch (RuntimeException e) {
      web.close();
      bots.close();
      vertx.close();
      runtime.close();
      blocking.shutdownNow();
      throw e;
    }
    OpenCardKitServer server =
        new OpenCardKitServer(
            config, vertx, store, bus, blocking, runtime, http, directory, web, bots, templates,
            operating);
    server.scheduleHousekeeping();
    return server;
  }

  /**
   * The deadlines and limits of every connection (docs/deploy.md, "Connection deadlines and
   * limits"): Vert.x's idle timeout and TLS handshake timeout go into the options, the rest into
   * the guard the servers' connection handler calls.
   */
  private static ConnectionGuard connectionGuard(
      ConnectionLimits limits, HttpServerOptions options) {
    // Without cleartext HTTP/2 detection, Vert.x hands each connection to the connection handler as
    // soon as it is
    // accepted (with it, only once a first request head is complete: a half-sent request would
    // never be counted).
    options.setHttp2ClearTextEnabled(false);
    options
        .setIdleTimeout((int) limits.idleTimeout().toMillis())
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    options
        .setSslHandshakeTimeout(limits.headerTimeout().toMillis())
        .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
    return new ConnectionGuard(
        limits.maxConnections(),
        limits.maxConnectionsPerAddress(),
        limits.headerTimeout(),
        limits.bodyTimeout(),
        limits.wsHandshakeTimeout());
  }

  /** Where the bots' pending events are kept: the store itself, under whatever wraps it. */
  private static DeliveryStore deliveriesOf(CardStore store) {
    CardStore s = store;
    while (!(s instanceof DeliveryStore) && s instanceof ForwardingCardStore) {
      s = ((ForwardingCardStore) s).delegate();
    }
    if (!(s instanceof DeliveryStore)) {
      throw new IllegalArgumentException(
          "the store " + store.getClass().getName() + " cannot keep bot deliveries");
    }
    return (DeliveryStore) s;
  }

  private void scheduleHousekeeping() {
    vertx.setPeriodic(1000, id -> blocking.execute(runtime::sweepStreamingTimeouts));
    vertx.setPeriodic(60_000, id -> blocking.execute(() -> runtime.evictIdle(MAX_CARDS_IN_MEMORY)));
    vertx.setPeriodic(
        3_600_000,
        id ->
            blocking.execute(
                () -> store.compact(config.clock().millis() - KEEP_IDLE_CARDS.toMillis())));
    if (templates.directory().isPresent()) {
      vertx.setPeriodic(
          1000,
          id ->
              blocking.execute(templates::refreshIfChanged)); // edits of template files take effect
    }
  }

  private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
    AtomicInteger counter = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + counter.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return http.port();
  }

  /** {@code http://host:port} (or https). */
  public String baseUrl() {
    return (config.tls() ? "https://" : "http://") + config.host() + ":" + port();
  }

  public Directory directory() {
    return directory.get();
  }

  /** This node's id in the cluster ({@code local} for a single node). */
  public String nodeId() {
    return bus.nodeId();
  }

  /** Where cards are stored and how nodes talk, as they may be printed (no password). */
  public String backendsDescription() {
    return "store: "
        + Backends.describeStore(config)
        + ", bus: "
        + Backends.describeBus(config)
        + ", node: "
        + bus.nodeId();
  }

  public CardRuntime runtime() {
    return runtime;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** Delivery of events and card callbacks to bots. */
  public BotDispatcher bots() {
    return bots;
  }

  /**
   * The card templates ({@code --templates}); tests call {@link TemplateLibrary#refreshIfChanged}
   * themselves.
   */
  public TemplateLibrary templates() {
    return templates;
  }

  /** The web chat (page, web API, WebSocket push). */
  public WebChat web() {
    return web;
  }

  /**
   * The card store, e.g. for a benchmark to read {@code SqliteCardStore}'s commit counters
   * (unwrapped).
   */
  public CardStore store() {
    return store instanceof ReplicatingStore ? ((ReplicatingStore) store).delegate() : store;
  }

  /** The node's metrics registry (what {@code GET /metrics} answers). */
  public NodeMetrics metrics() {
    return operating.metrics();
  }

  /**
   * The port of the separate metrics listener ({@code --metrics-port}), or -1 when metrics are on
   * the main port.
   */
  public int metricsPort() {
    return operating.metricsPort();
  }

  /**
   * Stops gracefully (SIGTERM): {@code /healthz} answers 503, the node stops accepting connections,
   * viewers are told to reconnect elsewhere (1001), the OpenAPI calls in flight are answered (their
   * writes committed) and the event deliveries in flight settled, then the bots' long connections
   * are closed (1001) and everything else as {@link #close()} does. Takes at most about {@code
   * config.operations().shutdownTimeout()} before closing whatever is left.
   *
   * @return whether everything in flight finished within the time
   */
  public boolean stopGracefully() {
    boolean finished;
    try {
      finished = operating.drain(web, bots);
    } finally {
      close();
    }
    return finished;
  }

  /**
   * Stops everything; a second call does nothing (the bots' leases, say, are not released again
   * from a closed store).
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    try {
      operating.close();
      web.close();
      bots.close();
      http.close();
    } finally {
      vertx.close().await();
      runtime.close();
      blocking.shutdown();
      try {
        blocking.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      try {
        store.close();
        bus.close();
        operating.metrics().close();
      } finally {
        if (dataDirLock != null) {
          dataDirLock.close();
        }
      }
    }
  }
}
