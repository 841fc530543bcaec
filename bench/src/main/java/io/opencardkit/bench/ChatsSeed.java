package io.opencardkit.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A generated seed: one bot and {@code n} group chats, chat i holding the bot and user i, so that
 * each stream can have a chat, and each chat viewers, of its own. Random ids, so that runs never
 * meet each other's data.
 */
public final class ChatsSeed {
  public final String appId = "cli_bench" + randomHex(6);
  public final String appSecret = "bench-" + randomHex(12);

  /** User i is the one member of chat i besides the bot. */
  public final List<String> users = new ArrayList<>();

  public final List<String> chats = new ArrayList<>();

  public ChatsSeed(int n) {
    String run = randomHex(4);
    for (int i = 0; i < n; i++) {
      users.add(String.format("ou_bench%s%05d", run, i));
      chats.add(String.format("oc_bench%s%05d", run, i));
    }
  }

  /** Writes the seed as {@code seed.yaml} into {@code dir} and returns its path. */
  public Path writeTo(Path dir) {
    StringBuilder y = new StringBuilder();
    y.append("apps:\n  - {app_id: ")
        .append(appId)
        .append(", app_secret: \"")
        .append(appSecret)
        .append("\", name: Bench Bot}\n");
    y.append("users:\n");
    for (int i = 0; i < users.size(); i++) {
      y.append("  - {open_id: ")
          .append(users.get(i))
          .append(", name: Reader ")
          .append(i)
          .append("}\n");
    }
    y.append("chats:\n");
    for (int i = 0; i < chats.size(); i++) {
      y.append("  - {chat_id: ")
          .append(chats.get(i))
          .append(", name: Bench ")
          .append(i)
          .append(", members: [")
          .append(users.get(i))
          .append(", ")
          .append(appId)
          .append("]}\n");
    }
    return write(dir, y.toString());
  }

  /**
   * Writes {@code yaml} as {@code seed.yaml} into {@code dir} (made if missing) and returns its
   * path.
   */
  public static Path write(Path dir, String yaml) {
    try {
      Files.createDirectories(dir);
      return Files.writeString(dir.resolve("seed.yaml"), yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code bytes} random bytes as hex digits, for ids no other run uses. */
  public static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
