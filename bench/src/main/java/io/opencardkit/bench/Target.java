package io.opencardkit.bench;

import io.opencardkit.core.card.ElementTree;
import io.opencardkit.core.store.CardStore;
import io.opencardkit.server.OpenCardKitServer;
import io.opencardkit.server.ServerConfig;
import io.opencardkit.server.cards.CardRuntime.CardHandle;
import io.opencardkit.store.sqlite.SqliteCardStore;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * The server under load: either one this JVM starts (temp data directory, generated seed), which also exposes the
 * store's group-commit counters and the cards' stored text, or an existing one reached by URL.
 */
final class Target implements AutoCloseable {
  final String host;
  final int port;
  final String appId;
  final String appSecret;
  final String chatId;
  final Path dataDir; // null for a remote server
  private final OpenCardKitServer embedded; // null for a remote server
  private final Path tempRoot; // deleted on close unless kept
  private final boolean keepData;

  private Target(String host, int port, String appId, String appSecret, String chatId, Path dataDir,
      OpenCardKitServer embedded, Path tempRoot, boolean keepData) {
    this.host = host;
    this.port = port;
    this.appId = appId;
    this.appSecret = appSecret;
    this.chatId = chatId;
    this.dataDir = dataDir;
    this.embedded = embedded;
    this.tempRoot = tempRoot;
    this.keepData = keepData;
  }

  /** Starts a server in this JVM on a free port, on a new data directory under {@code parent}. */
  static Target embedded(Path parent, boolean keepData) {
    try {
      Files.createDirectories(parent);
      Path root = Files.createTempDirectory(parent, "okc-bench");
      String appId = "cli_bench" + random(6);
      String secret = "bench-" + random(12);
      String user = "ou_bench" + random(8);
      String chat = "oc_bench" + random(8);
      Path seed = Files.writeString(root.resolve("seed.yaml"),
          "apps:\n  - {app_id: " + appId + ", app_secret: \"" + secret + "\", name: Bench Bot}\n"
              + "users:\n  - {open_id: " + user + ", name: Reader}\n"
              + "chats:\n  - {chat_id: " + chat + ", name: Bench, members: [" + user + ", " + appId + "]}\n");
      Path data = root.resolve("data");
      ServerConfig config = ServerConfig.defaults().withPort(0).withDataDir(data).withSeed(seed);
      OpenCardKitServer server = OpenCardKitServer.start(config, new PrintStream(OutputStream.nullOutputStream()));
      return new Target("127.0.0.1", server.port(), appId, secret, chat, data, server, root, keepData);
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
    return new Target(uri.getHost(), port, appId, appSecret, chatId, null, null, null, true);
  }

  boolean isEmbedded() {
    return embedded != null;
  }

  /** The SQLite store's counters, when the server runs here on SQLite. */
  Optional<SqliteCardStore> sqliteStore() {
    if (embedded == null) {
      return Optional.empty();
    }
    CardStore store = embedded.store();
    return store instanceof SqliteCardStore ? Optional.of((SqliteCardStore) store) : Optional.empty();
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
    return embedded != null ? "embedded in the load generator's JVM, data in " + dataDir : "remote " + host + ":" + port;
  }

  @Override
  public void close() {
    if (embedded == null) {
      return;
    }
    embedded.close();
    if (!keepData) {
      try (Stream<Path> files = Files.walk(tempRoot)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        System.err.println("could not delete " + tempRoot + ": " + e.getMessage());
      }
    }
  }

  private static String random(int bytes) {
    byte[] b = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
