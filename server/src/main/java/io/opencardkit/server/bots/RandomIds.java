package io.opencardkit.server.bots;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Unguessable ids for events, tickets, tokens and deliveries: random bytes as lower-case hex. */
public final class RandomIds {
  private static final SecureRandom RANDOM = new SecureRandom();

  private RandomIds() {}

  /** {@code bytes} random bytes, as {@code 2 × bytes} hex digits. */
  public static String hex(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
