package io.opencardkit.server.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A seed with two bots, two users and a group chat. App ids are unique per seed: the official SDKs
 * cache tokens per app id for the whole JVM, so two test servers must never share an app id with
 * different secrets.
 */
public final class TestSeed {
  /**
   * Feishu-shaped ({@code cli_} and 16 hex digits): the Node SDK's long-connection client accepts
   * no other.
   */
  public final String appId = "cli_" + random(8);

  public final String appSecret = "secret-" + random(12);
  public final String otherAppId = "cli_" + random(8);
  public final String otherAppSecret = "secret-" + random(12);
  public final String alice = "ou_alice" + random(12);
  public final String bob = "ou_bob" + random(12);

  /** Web chat sign-in tokens (production mode, {@code --web-auth token}). */
  public final String aliceToken = "tok-" + random(16);

  public final String bobToken = "tok-" + random(16);
  public final String chatId = "oc_general" + random(11);

  /** E-mail addresses, by which OpenID Connect sign-in finds the users. */
  public final String aliceEmail = "alice." + random(4) + "@example.com";

  public final String bobEmail = "bob." + random(4) + "@example.com";
  private final Map<String, String> appFields = new LinkedHashMap<>();
  private final Map<String, String> otherAppFields = new LinkedHashMap<>();

  /**
   * Sets an optional field of the seeded bot ({@code event_url}, {@code callback_url}, {@code
   * verification_token}, {@code encrypt_key}, {@code receive_all_group_messages}, {@code
   * card_callback}); call before the server starts.
   */
  public TestSeed appField(String name, String value) {
    appFields.put(name, value);
    return this;
  }

  /** As {@link #appField} for the second bot. */
  public TestSeed otherAppField(String name, String value) {
    otherAppFields.put(name, value);
    return this;
  }

  private static String fields(Map<String, String> fields) {
    StringBuilder out = new StringBuilder();
    fields.forEach((k, v) -> out.append(", ").append(k).append(": \"").append(v).append('"'));
    return out.toString();
  }

  private static String random(int bytes) {
    byte[] b = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  public String yaml() {
    return "apps:\n"
        + "  - {app_id: "
        + appId
        + ", app_secret: \""
        + appSecret
        + "\", name: Answer Bot"
        + fields(appFields)
        + "}\n"
        + "  - {app_id: "
        + otherAppId
        + ", app_secret: \""
        + otherAppSecret
        + "\", name: Other Bot"
        + fields(otherAppFields)
        + "}\n"
        + "users:\n"
        + "  - {open_id: "
        + alice
        + ", name: Alice, token: \""
        + aliceToken
        + "\", email: "
        + aliceEmail
        + "}\n"
        + "  - {open_id: "
        + bob
        + ", name: Bob, token: \""
        + bobToken
        + "\", email: "
        + bobEmail
        + "}\n"
        + "chats:\n"
        + "  - {chat_id: "
        + chatId
        + ", name: General, members: ["
        + alice
        + ", "
        + bob
        + ", "
        + appId
        + "]}\n";
  }

  /** Writes the seed into {@code dir} and returns the file. */
  public Path writeTo(Path dir) {
    try {
      Files.createDirectories(dir);
      return Files.writeString(dir.resolve("seed.yaml"), yaml());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
