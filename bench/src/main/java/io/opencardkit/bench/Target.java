package io.opencardkit.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.bench.process.BareHttpServer;
import io.opencardkit.bench.process.ServerOptions;
import io.opencardkit.bench.process.ServerProcess;
import io.opencardkit.core.Json;
import io.opencardkit.core.card.ElementTree;
import io.opencardkit.core.store.CardStore;
import io.opencardkit.server.OpenCardKitServer;
import io.opencardkit.server.ServerConfig;
import io.opencardkit.server.cards.CardRuntime.CardHandle;
import io.opencardkit.store.jdbc.SqlCardStore;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The server under load: one this JVM starts in itself (temp data directory, generated seed, on the
 * embedded SQLite store or on a PostgreSQL schema of its own), which also exposes the store's
 * group-commit counters and the cards' stored text; one started in a process of its own as {@code
 * bin/opencardkit serve} runs it ({@link ServerProcess}, same data directory and seed; the cards'
 * text is read through the web chat's card inspector); the bare Vert.x handler in a process of its
 * own (the ingest reference); or an existing one reached by URL.
 */
final class Target implements AutoCloseable {
  /**
   * Reads the cards' text from a server process's card inspector (at the end of a run, once per
   * stream).
   */
  private static final HttpClient INSPECTOR =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  final String host;
  final int port;
  final String appId;
  final String appSecret;
  final String chatId;
  final Path dataDir; // null for a remote server

  /** The PostgreSQL URL with this run's schema, or null for SQLite and for a remote server. */
  final String postgresUrl;

  private final OpenCardKitServer embedded; // null unless it runs in this JVM

  /** The server's (or the bare handler's) own process, or null. */
  final ServerProcess process;

  private final boolean bare;
  private final String viewer; // a member of the chat, for the card inspector
  private final Path tempRoot; // deleted on close unless kept
  private final boolean keepData;

  private Target(
      String host,
      int port,
      String appId,
      String appSecret,
      String chatId,
      Path dataDir,
      String postgresUrl,
      OpenCardKitServer embedded,
      Path tempRoot,
      boolean keepData) {
    this(
        host,
        port,
        appId,
        appSecret,
        chatId,
        dataDir,
        postgresUrl,
        embedded,
        null,
        false,
        null,
        tempRoot,
        keepData);
  }

  private Target(
      String host,
      int port,
      String appId,
      String appSecret,
      String chatId,
      Path dataDir,
      String postgresUrl,
      OpenCardKitServer embedded,
      ServerProcess process,
      boolean bare,
      String viewer,
      Path tempRoot,
      boolean keepData) {
    this.host = host;
    this.port = port;
    this.appId = appId;
    this.appSecret = appSecret;
    this.chatId = chatId;
    this.dataDir = dataDir;
    this.postgresUrl = postgresUrl;
    this.embedded = embedded;
    this.process = process;
    this.bare = bare;
    this.viewer = viewer;
    this.tempRoot = tempRoot;
    this.keepData = keepData;
  }

  /**
   * Starts a server in this JVM on a free port, with a new data directory under {@code parent}: on
   * the embedded SQLite store there when {@code store} is {@code "sqlite"}, else on a new schema of
   * the {@code postgresql://} URL (dropped on {@link #close}). Either way exactly as {@code
   * opencardkit serve} starts one.
   */
  static Target embedded(Path parent, boolean keepData, String store) {
    String postgresUrl =
        PostgresAdmin.isPostgres(store) ? PostgresAdmin.withFreshSchema(store) : null;
    if (postgresUrl == null && !"sqlite".equals(store)) {
      throw new IllegalArgumentException(
          "--store takes sqlite or a postgresql:// URL, not " + store);
    }
    try {
      Files.createDirectories(parent);
      Path root = Files.createTempDirectory(parent, "okc-bench");
      ChatsSeed seed = new ChatsSeed(1);
      Path data = root.resolve("data");
      ServerConfig base =
          ServerConfig.defaults()
              .withPort(0)
              .withDataDir(data)
              .withSeed(seed.writeTo(root))
              .withCluster(postgresUrl, null)
              .withInsecureDevLogin(); // the viewers sign in with ?user=, on loopback
      // Every load generator connects from loopback: no per-address limit.
      ServerConfig config =
          base.withConnections(
              base.connections().withMaxConnections(base.connections().maxConnections(), 0));
      OpenCardKitServer server;
      try {
        server = OpenCardKitServer.start(config, new PrintStream(OutputStream.nullOutputStream()));
      } catch (RuntimeException e) {
        if (postgresUrl != null) {
          PostgresAdmin.dropSchema(postgresUrl);
        }
        throw e;
      }
      return new Target(
          "127.0.0.1",
          server.port(),
          seed.appId,
          seed.appSecret,
          seed.chats.get(0),
          data,
          postgresUrl,
          server,
          root,
          keepData);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts the server in a process of its own, as {@code opencardkit serve} runs it (see {@link
   * ServerOptions}), on a new data directory under {@code parent}, on SQLite there or on a new
   * schema of the {@code postgresql://} URL; pinned to {@code cpus} unless null.
   */
  static Target process(
      ServerOptions options, String cpus, Path parent, boolean keepData, String store) {
    String postgresUrl =
        PostgresAdmin.isPostgres(store) ? PostgresAdmin.withFreshSchema(store) : null;
    if (postgresUrl == null && !"sqlite".equals(store)) {
      throw new IllegalArgumentException(
          "--store takes sqlite or a postgresql:// URL, not " + store);
    }
    try {
      Files.createDirectories(parent);
      Path root = Files.createTempDirectory(parent, "okc-bench");
      ChatsSeed seed = new ChatsSeed(1);
      ServerProcess server;
      try {
        server =
            options.startServer(
                "server-" + (postgresUrl == null ? "sqlite" : "postgresql"),
                cpus,
                root,
                seed.writeTo(root),
                postgresUrl == null ? List.of() : List.of("--store", postgresUrl));
      } catch (RuntimeException e) {
        if (postgresUrl != null) {
          PostgresAdmin.dropSchema(postgresUrl);
        }
        throw e;
      }
      return new Target(
          server.host(),
          server.port(),
          seed.appId,
          seed.appSecret,
          seed.chats.get(0),
          root.resolve("data"),
          postgresUrl,
          null,
          server,
          false,
          seed.users.get(0),
          root,
          keepData);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts the bare Vert.x handler ({@link BareHttpServer}) with {@code eventLoops} loops, the same
   * way, pinned to {@code cpus}.
   */
  static Target bare(ServerOptions options, String cpus, Path parent, int eventLoops) {
    try {
      Files.createDirectories(parent);
      Path root = Files.createTempDirectory(parent, "okc-bench-bare");
      ServerProcess handler =
          options.startProgram(
              "bare-handler",
              cpus,
              root,
              BareHttpServer.class,
              List.of("--event-loops", Integer.toString(eventLoops)));
      return new Target(
          handler.host(),
          handler.port(),
          null,
          null,
          "oc_bare",
          null,
          null,
          null,
          handler,
          true,
          null,
          root,
          false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An existing server, e.g. {@code http://127.0.0.1:8080}. */
  static Target remote(String url, String appId, String appSecret, String chatId) {
    URI uri = URI.create(url);
    if (!"http".equals(uri.getScheme())) {
      throw new IllegalArgumentException("--url must be http://host:port (plain HTTP), got " + url);
    }
    int port = uri.getPort() < 0 ? 80 : uri.getPort();
    return new Target(uri.getHost(), port, appId, appSecret, chatId, null, null, null, null, true);
  }

  boolean isEmbedded() {
    return embedded != null;
  }

  /** Whether it runs in a process this JVM started (the server or the bare handler). */
  boolean isProcess() {
    return process != null;
  }

  /** The bare Vert.x handler: it needs no token and holds no card. */
  boolean isBare() {
    return bare;
  }

  /**
   * The store's group-commit counters, when the server runs here (SQLite and PostgreSQL both have
   * them).
   */
  Optional<SqlCardStore> sqlStore() {
    if (embedded == null) {
      return Optional.empty();
    }
    CardStore store = embedded.store();
    return store instanceof SqlCardStore ? Optional.of((SqlCardStore) store) : Optional.empty();
  }

  /** The store's name for reports: SQLite, PostgreSQL, "bare" or "remote". */
  String storeName() {
    return bare
        ? "bare"
        : embedded == null && process == null
            ? "remote"
            : postgresUrl != null ? "PostgreSQL" : "SQLite";
  }

  /** Whether {@link #serverText} can tell. */
  boolean canCheckText() {
    return embedded != null || (process != null && !bare);
  }

  /**
   * The stored text of a card's streamed element, as the embedded server holds it, or as a
   * process's card inspector ({@code GET /web/api/cards/:card_id/inspector?user=}) shows it; empty
   * when unknown.
   */
  Optional<String> serverText(String cardId, String elementId) {
    if (process != null && !bare) {
      return inspectedText(cardId, elementId);
    }
    if (embedded == null) {
      return Optional.empty();
    }
    Optional<CardHandle> handle = embedded.runtime().findBlocking(cardId);
    if (handle.isEmpty()) {
      return Optional.empty();
    }
    synchronized (handle.get()) {
      return Optional.of(
          ElementTree.content(ElementTree.streamTarget(handle.get().state().card(), elementId)));
    }
  }

  private Optional<String> inspectedText(String cardId, String elementId) {
    try {
      URI uri =
          URI.create(
              "http://"
                  + host
                  + ":"
                  + port
                  + "/web/api/cards/"
                  + URLEncoder.encode(cardId, StandardCharsets.UTF_8)
                  + "/inspector?user="
                  + URLEncoder.encode(viewer, StandardCharsets.UTF_8));
      HttpResponse<String> answer =
          INSPECTOR.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      JsonNode card = answer.statusCode() == 200 ? Json.parseOrNull(answer.body()) : null;
      if (card == null) {
        return Optional.empty();
      }
      for (JsonNode element : card.path("card").path("body").path("elements")) {
        if (elementId.equals(element.path("element_id").asText())) {
          return Optional.of(element.path("content").asText());
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  String describe() {
    if (process != null) {
      return (bare ? "bare Vert.x handler" : "server")
          + " in its own process (pid "
          + process.pid()
          + (process.cpus == null ? "" : ", CPUs " + process.cpus)
          + (process.jvmSummary().isEmpty() ? "" : ", JVM: " + process.jvmSummary())
          + "): "
          + process.commandLine();
    }
    return embedded == null
        ? "remote " + host + ":" + port
        : "embedded in the load generator's JVM, "
            + embedded.backendsDescription()
            + (postgresUrl == null ? ", data in " + dataDir : "");
  }

  @Override
  public void close() {
    if (process != null) {
      process.close();
    }
    if (embedded == null && process == null) {
      return;
    }
    if (embedded != null) {
      embedded.close();
    }
    if (postgresUrl != null && !keepData) {
      PostgresAdmin.dropSchema(postgresUrl);
    }
    if (!keepData) {
      try (Stream<Path> files = Files.walk(tempRoot)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        System.err.println("could not delete " + tempRoot + ": " + e.getMessage());
      }
    }
  }
}
