package io.opencardkit.bench;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The server under load: either one this JVM starts (temp data directory, generated seed, on the embedded SQLite
 * store or on a PostgreSQL schema of its own), which also exposes the store's group-commit counters and the cards'
 * stored text, or an existing one reached by URL.
 */
final class Target implements AutoCloseable {
  final String host;
  final int port;
  final String appId;
  final String appSecret;
  final String chatId;
  final Path dataDir; // null for a remote server
  /** The PostgreSQL URL with this run's schema, or null for SQLite and for a remote server. */
  final String postgresUrl;
  private final OpenCardKitServer embedded; // null for a remote server
  private final Path tempRoot; // deleted on close unless kept
  private final boolean keepData;

  private Target(String host, int port, String appId, String appSecret, String chatId, Path dataDir, String postgresUrl,
      OpenCardKitServer embedded, Path tempRoot, boolean keepData) {
    this.host = host;
    this.port = port;
    this.appId = appId;
    this.appSecret = appSecret;
    this.chatId = chatId;
    this.dataDir = dataDir;
    this.postgresUrl = postgresUrl;
    this.embedded = embedded;
    this.tempRoot = tempRoot;
    this.keepData = keepData;
  }

  /**
   * Starts a server in this JVM on a free port, with a new data directory under {@code parent}: on the embedded
   * SQLite store there when {@code store} is {@code "sqlite"}, else on a new schema of the {@code postgresql://} URL
   * (dropped on {@link #close}). Either way exactly as {@code opencardkit serve} starts one.
   */
  static Target embedded(Path parent, boolean keepData, String store) {
    String postgresUrl = PostgresAdmin.isPostgres(store) ? PostgresAdmin.withFreshSchema(store) : null;
    if (postgresUrl == null && !"sqlite".equals(store)) {
      throw new IllegalArgumentException("--store takes sqlite or a postgresql:// URL, not " + store);
    }
    try {
      Files.createDirectories(parent);
      Path root = Files.createTempDirectory(parent, "okc-bench");
      ChatsSeed seed = new ChatsSeed(1);
      Path data = root.resolve("data");
      ServerConfig config = ServerConfig.defaults().withPort(0).withDataDir(data).withSeed(seed.writeTo(root)).withCluster(postgresUrl, null)
          .withInsecureDevLogin(); // the viewers sign in with ?user=, on loopback
      OpenCardKitServer server;
      try {
        server = OpenCardKitServer.start(config, new PrintStream(OutputStream.nullOutputStream()));
      } catch (RuntimeException e) {
        if (postgresUrl != null) {
          PostgresAdmin.dropSchema(postgresUrl);
        }
        throw e;
      }
      return new Target("127.0.0.1", server.port(), seed.appId, seed.appSecret, seed.chats.get(0), data, postgresUrl, server, root, keepData);
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

  /** The store's group-commit counters, when the server runs here (SQLite and PostgreSQL both have them). */
  Optional<SqlCardStore> sqlStore() {
    if (embedded == null) {
      return Optional.empty();
    }
    CardStore store = embedded.store();
    return store instanceof SqlCardStore ? Optional.of((SqlCardStore) store) : Optional.empty();
  }

  /** The store's name for reports: SQLite, PostgreSQL, or "remote". */
  String storeName() {
    return embedded == null ? "remote" : postgresUrl != null ? "PostgreSQL" : "SQLite";
  }

  /** The stored text of a card's streamed element, as the embedded server holds it; empty when unknown. */
  Optional<String> serverText(String cardId, String elementId) {
    if (embedded == null) {
      return Optional.empty();
    }
    Optional<CardHandle> handle = embedded.runtime().findBlocking(cardId);
    if (handle.isEmpty()) {
      return Optional.empty();
    }
    synchronized (handle.get()) {
      return Optional.of(ElementTree.content(ElementTree.streamTarget(handle.get().state().card(), elementId)));
    }
  }

  String describe() {
    return embedded == null ? "remote " + host + ":" + port
        : "embedded in the load generator's JVM, " + embedded.backendsDescription() + (postgresUrl == null ? ", data in " + dataDir : "");
  }

  @Override
  public void close() {
    if (embedded == null) {
      return;
    }
    embedded.close();
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
