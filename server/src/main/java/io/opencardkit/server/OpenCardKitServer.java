package io.opencardkit.server;

import io.opencardkit.core.engine.CardEngine;
import io.opencardkit.core.engine.CardLimits;
import io.opencardkit.core.store.CardStore;
import io.opencardkit.server.auth.AuthApi;
import io.opencardkit.server.auth.TokenService;
import io.opencardkit.server.bots.BotDispatcher;
import io.opencardkit.server.bots.CardCallbacks;
import io.opencardkit.server.cards.CardIds;
import io.opencardkit.server.cards.CardKitApi;
import io.opencardkit.server.cards.CardRuntime;
import io.opencardkit.server.contact.ContactApi;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.directory.DirectoryBootstrap;
import io.opencardkit.server.http.HttpFrontDoor;
import io.opencardkit.server.im.ImApi;
import io.opencardkit.server.im.MessageService;
import io.opencardkit.server.im.ReactionApi;
import io.opencardkit.server.im.Reactions;
import io.opencardkit.server.web.WebChat;
import io.opencardkit.store.sqlite.SqliteCardStore;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A running OpenCardKit: store, card runtime, HTTP API. Start with {@link #start}, stop with {@link #close}. */
public final class OpenCardKitServer implements AutoCloseable {
  private static final int MAX_CARDS_IN_MEMORY = 20_000;
  private static final Duration KEEP_IDLE_CARDS = Duration.ofDays(30);

  private final ServerConfig config;
  private final Vertx vertx;
  private final CardStore store;
  private final ExecutorService blocking;
  private final CardRuntime runtime;
  private final HttpServer http;
  private final Directory directory;
  private final WebChat web;
  private final BotDispatcher bots;

  private OpenCardKitServer(
      ServerConfig config, Vertx vertx, CardStore store, ExecutorService blocking, CardRuntime runtime, HttpServer http,
      Directory directory, WebChat web, BotDispatcher bots) {
    this.config = config;
    this.vertx = vertx;
    this.store = store;
    this.blocking = blocking;
    this.runtime = runtime;
    this.http = http;
    this.directory = directory;
    this.web = web;
    this.bots = bots;
  }

  /**
   * Opens the data directory, establishes the directory of apps/users/chats and starts listening. Returns once the
   * server accepts requests.
   */
  public static OpenCardKitServer start(ServerConfig config, PrintStream console) {
    try {
      Files.createDirectories(config.dataDir());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory " + config.dataDir(), e);
    }
    CardStore store = SqliteCardStore.open(config.dataDir().resolve("opencardkit.db"));
    try {
      Directory directory = DirectoryBootstrap.establish(store, config.seedFile(), console);
      return startWith(config, store, directory);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  private static OpenCardKitServer startWith(ServerConfig config, CardStore store, Directory directory) {
    Vertx vertx = Vertx.vertx();
    ExecutorService blocking = Executors.newFixedThreadPool(8, daemonThreads("okc-blocking"));
    CardEngine engine = new CardEngine(config.clock(), CardLimits.feishu().withStreamingTimeout(config.streamingTimeout()));
    CardRuntime runtime = new CardRuntime(store, engine, blocking, new CardIds(config.clock(), 0, CardIds.lastIssuedIn(store)));
    MessageService messages = new MessageService(() -> directory, store, runtime, blocking);
    TokenService tokens = new TokenService(() -> directory, config.clock());
    Reactions reactions = new Reactions(() -> directory, store, blocking, config.clock());
    BotDispatcher bots = BotDispatcher.start(vertx, config.clock(), () -> directory);
    messages.addListener(bots::messageCommitted);
    CardCallbacks callbacks = new CardCallbacks(config.clock(), () -> directory, runtime, messages, bots);
    WebChat web = new WebChat(vertx, config, () -> directory, store, runtime, messages, reactions, callbacks, blocking);

    Router router = Router.router(vertx);
    HttpFrontDoor.mountFirst(router, config.clock());
    web.mountBeforeApis(router);
    new AuthApi(tokens, () -> directory).mount(router);
    new CardKitApi(runtime, messages).mount(router);
    new ReactionApi(reactions).mount(router);
    new ImApi(messages).mount(router);
    new ContactApi(() -> directory).mount(router);
    bots.longConnectionApi().mount(router);
    web.mount(router);
    HttpFrontDoor.mountLast(router);

    HttpServerOptions options = new HttpServerOptions().setHost(config.host()).setPort(config.port()).setCompressionSupported(false);
    if (config.tls()) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(config.tlsCert().toString()).setKeyPath(config.tlsKey().toString()));
    }
    HttpServer http;
    try {
      http = vertx.createHttpServer(options).requestHandler(router).listen().await();
    } catch (RuntimeException e) {
      bots.close();
      vertx.close();
      blocking.shutdownNow();
      throw e;
    }
    OpenCardKitServer server = new OpenCardKitServer(config, vertx, store, blocking, runtime, http, directory, web, bots);
    server.scheduleHousekeeping();
    return server;
  }

  private void scheduleHousekeeping() {
    vertx.setPeriodic(1000, id -> blocking.execute(runtime::sweepStreamingTimeouts));
    vertx.setPeriodic(60_000, id -> blocking.execute(() -> runtime.evictIdle(MAX_CARDS_IN_MEMORY)));
    vertx.setPeriodic(3_600_000, id -> blocking.execute(() -> store.compact(config.clock().millis() - KEEP_IDLE_CARDS.toMillis())));
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
    return http.actualPort();
  }

  /** {@code http://host:port} (or https). */
  public String baseUrl() {
    return (config.tls() ? "https://" : "http://") + config.host() + ":" + port();
  }

  public Directory directory() {
    return directory;
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

  /** The web chat (page, web API, WebSocket push). */
  public WebChat web() {
    return web;
  }

  /** The card store, e.g. for a benchmark to read {@code SqliteCardStore}'s commit counters. */
  public CardStore store() {
    return store;
  }

  @Override
  public void close() {
    try {
      web.close();
      bots.close();
      http.close().await();
    } finally {
      vertx.close().await();
      runtime.close();
      blocking.shutdown();
      try {
        blocking.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      store.close();
    }
  }
}
