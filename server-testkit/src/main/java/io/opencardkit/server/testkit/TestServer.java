package io.opencardkit.server.testkit;

import com.lark.oapi.Client;
import io.opencardkit.core.bus.ClusterBus;
import io.opencardkit.core.store.CardStore;
import io.opencardkit.server.OpenCardKitServer;
import io.opencardkit.server.ServerConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A real OpenCardKit server in this JVM on a free port, with its own data directory and seed, and
 * official Feishu SDK clients pointed at it. {@link #restart()} stops and starts it on the same
 * data.
 *
 * <p>With the system property {@value TestPostgres#STORE_PROPERTY} set to a {@code postgresql://}
 * URL (the build's second run of the API tests does so), the server stores everything in a fresh
 * PostgreSQL schema instead of SQLite, dropped on {@link #close()}. A test that names its own store
 * (in the configuration, or as a {@link CardStore}) keeps it.
 */
public final class TestServer implements AutoCloseable {
  public final TestSeed seed;
  public final Path dataDir;
  private final ServerConfig config;
  private final String schema; // the PostgreSQL schema, or null on SQLite
  private final boolean givenStore; // started on a store and bus the test made: no restart
  private OpenCardKitServer server;

  private TestServer(TestSeed seed, Path dataDir, ServerConfig config) {
    this.seed = seed;
    this.dataDir = dataDir;
    this.givenStore = false;
    String store = config.store() == null ? TestPostgres.storeUnderTest() : null;
    this.schema = store == null ? null : TestPostgres.newSchema();
    // On PostgreSQL, development sign-in (which the tests' ?user= relies on) needs the override
    // that --store asks for.
    this.config =
        store == null
            ? config
            : onPostgres(config.withCluster(TestPostgres.withSchema(store, schema), config.bus()));
    this.server = OpenCardKitServer.start(this.config, silent());
  }

  private TestServer(
      TestSeed seed,
      Path dataDir,
      ServerConfig config,
      CardStore store,
      ClusterBus bus,
      boolean sharedStore) {
    this.seed = seed;
    this.dataDir = dataDir;
    this.givenStore = true;
    this.schema = null;
    this.config = config;
    this.server = OpenCardKitServer.start(config, silent(), store, bus, sharedStore);
  }

  private static ServerConfig onPostgres(ServerConfig config) {
    return config.webAuth() == ServerConfig.WebAuth.DEVELOPMENT
        ? config.withInsecureDevLogin()
        : config;
  }

  /** Whether this server stores in PostgreSQL (the second run of the API tests). */
  public boolean onPostgres() {
    return schema != null;
  }

  public static TestServer start() {
    return start(Clock.systemUTC(), Duration.ofMinutes(10));
  }

  public static TestServer start(Clock clock, Duration streamingTimeout) {
    return start(clock, streamingTimeout, UnaryOperator.identity());
  }

  /**
   * A server whose configuration {@code customize} adjusts last (for example {@code withWebAuth}).
   */
  public static TestServer start(
      Clock clock, Duration streamingTimeout, UnaryOperator<ServerConfig> customize) {
    return start(new TestSeed(), clock, streamingTimeout, customize);
  }

  /**
   * A server with a seed the test prepared (for example the bots' event and callback addresses).
   */
  public static TestServer start(TestSeed seed, Clock clock, Duration streamingTimeout) {
    return start(seed, clock, streamingTimeout, UnaryOperator.identity());
  }

  /** A server with a seed the test prepared and a configuration {@code customize} adjusts last. */
  public static TestServer start(
      TestSeed seed,
      Clock clock,
      Duration streamingTimeout,
      UnaryOperator<ServerConfig> customize) {
    try {
      Path dir = Files.createTempDirectory("okc-test");
      ServerConfig config =
          ServerConfig.defaults()
              .withPort(0)
              .withDataDir(dir.resolve("data"))
              .withSeed(seed.writeTo(dir))
              .withClock(clock)
              .withStreamingTimeout(streamingTimeout);
      return new TestServer(seed, dir.resolve("data"), customize.apply(config));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A server on a store and bus the test made (a store that fails on cue, one node of a cluster:
   * {@code sharedStore} when other nodes write to the same store), which close with it. The
   * configuration is made as for {@link #start(TestSeed, Clock, Duration, UnaryOperator)}; {@link
   * #restart()} is not supported.
   */
  public static TestServer start(
      TestSeed seed,
      Clock clock,
      Duration streamingTimeout,
      UnaryOperator<ServerConfig> customize,
      CardStore store,
      ClusterBus bus,
      boolean sharedStore) {
    Path dir = newDir();
    ServerConfig config = defaults(seed, dir, clock, streamingTimeout);
    return new TestServer(
        seed, dir.resolve("data"), customize.apply(config), store, bus, sharedStore);
  }

  private static Path newDir() {
    try {
      return Files.createTempDirectory("okc-test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ServerConfig defaults(
      TestSeed seed, Path dir, Clock clock, Duration streamingTimeout) {
    return ServerConfig.defaults()
        .withPort(0)
        .withDataDir(dir.resolve("data"))
        .withSeed(seed.writeTo(dir))
        .withClock(clock)
        .withStreamingTimeout(streamingTimeout);
  }

  /**
   * Stops the server and starts a new one on the same data directory (and the same port is not
   * guaranteed).
   */
  public void restart() {
    if (givenStore) {
      throw new IllegalStateException(
          "a server on a store the test made cannot restart: the store closed with it");
    }
    server.close();
    server = OpenCardKitServer.start(config.withPort(0), silent());
  }

  public String baseUrl() {
    return server.baseUrl();
  }

  public OpenCardKitServer server() {
    return server;
  }

  /** The official Java SDK as the seeded bot. */
  public Client client() {
    return sdk(seed.appId, seed.appSecret);
  }

  /** The official Java SDK as a second bot that did not create the cards. */
  public Client otherClient() {
    return sdk(seed.otherAppId, seed.otherAppSecret);
  }

  private Client sdk(String appId, String secret) {
    return Client.newBuilder(appId, secret)
        .openBaseUrl(baseUrl())
        .requestTimeout(10, TimeUnit.SECONDS)
        .build();
  }

  /**
   * Lets the running test log a WARN or ERROR from {@code logger} (or a logger under it) whose
   * message contains {@code message}, as {@link ExpectedLog} does where the expectation is only
   * known at run time.
   */
  public TestServer expectLog(ExpectedLog.Level level, String logger, String message) {
    AfterTestChecks.expectLog(level, logger, message);
    return this;
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      if (schema != null) {
        TestPostgres.dropSchema(TestPostgres.storeUnderTest(), schema);
      }
    }
  }

  private static PrintStream silent() {
    return new PrintStream(OutputStream.nullOutputStream());
  }
}
