package io.opencardkit.server.directory;

import io.opencardkit.core.Json;
import io.opencardkit.core.store.CardStore;
import io.opencardkit.core.store.WriteBatch;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides the directory at start-up: the seed file when given (stored, so a later start without it
 * keeps it), else the stored one, else a demo directory created once for this data directory.
 */
public final class DirectoryBootstrap {
  /** The key of the stored directory in the store's key/value area. */
  public static final String META_KEY = "directory";

  public static final String DEMO_APP_ID = "cli_a00000000000de00";

  private DirectoryBootstrap() {}

  /**
   * Returns the directory to run with; prints the demo app's credentials to {@code console} when it
   * is used.
   */
  public static Directory establish(CardStore store, Path seedFile, PrintStream console) {
    if (seedFile != null) {
      Directory seeded = SeedParser.parse(seedFile);
      save(store, seeded);
      return seeded;
    }
    Optional<Directory> stored = store.meta(META_KEY).map(DirectoryBootstrap::read);
    // Read back what was stored: another node starting on the same empty database may have stored
    // its demo
    // directory just before or after this one, and every node must run with the one that stays.
    Directory directory =
        stored.orElseGet(
            () -> {
              save(store, demo());
              return read(store.meta(META_KEY).orElseThrow());
            });
    directory.app(DEMO_APP_ID).ifPresent(app -> printDemo(console, app, directory));
    return directory;
  }

  /** Stores a directory; the other nodes of a cluster switch to it when the bus tells them. */
  public static Directory save(CardStore store, Directory directory) {
    store
        .commit(new WriteBatch(List.of(), List.of(), List.of(), Map.of(META_KEY, json(directory))))
        .join();
    return directory;
  }

  private static String json(Directory directory) {
    return Json.write(Json.MAPPER.valueToTree(directory.snapshot()));
  }

  /** The directory as stored under {@link #META_KEY}. */
  public static Directory read(String json) {
    try {
      return Directory.of(Json.MAPPER.readValue(json, Directory.Snapshot.class));
    } catch (java.io.IOException e) {
      throw new IllegalStateException("the stored directory is unreadable: " + e.getMessage(), e);
    }
  }

  static Directory demo() {
    byte[] secret = new byte[16];
    new SecureRandom().nextBytes(secret);
    // Hears every message of General too, so the demo bot (serve --demo) answers there without an
    // @-mention.
    App app =
        new App(
            DEMO_APP_ID,
            HexFormat.of().formatHex(secret),
            "Demo Bot",
            null,
            null,
            null,
            null,
            true,
            null);
    User alice = new User("ou_alice000000000000000000000000", "Alice", null);
    User bob = new User("ou_bob00000000000000000000000000", "Bob", null);
    Chat general =
        new Chat(
            "oc_general0000000000000000000000",
            "General",
            List.of(alice.openId(), bob.openId(), app.appId()),
            "group");
    return new Directory(List.of(app), List.of(alice, bob), List.of(general));
  }

  private static void printDemo(PrintStream console, App app, Directory directory) {
    console.println("Demo directory (no --seed given):");
    console.println("  app_id:     " + app.appId());
    console.println("  app_secret: " + app.appSecret());
    directory
        .users()
        .forEach(u -> console.println("  user:       " + u.openId() + " (" + u.name() + ")"));
    directory
        .groupChats()
        .forEach(c -> console.println("  chat:       " + c.chatId() + " (" + c.name() + ")"));
  }
}
