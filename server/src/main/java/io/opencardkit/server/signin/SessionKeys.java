package io.opencardkit.server.signin;

import io.opencardkit.core.store.CardStore;
import io.opencardkit.core.store.WriteBatch;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cluster's key for signing session cookies: 32 random bytes kept in the store's key/value
 * area, so every node of a cluster (and a node after a restart) verifies what any node signed.
 *
 * <p>Implementation notes: the first node to start on an empty store creates the key and reads back
 * what was stored. Two nodes starting at the same moment on an empty store may each hold their own
 * key for a while; a cookie that verifies with none of this node's keys makes it read the stored
 * key again (at most every {@link #REFRESH_MILLIS}), and a node keeps accepting every key it held,
 * signing with the stored one.
 */
public final class SessionKeys {
  /** The key's entry in the store's key/value area. */
  public static final String META_KEY = "web.session_key";

  static final long REFRESH_MILLIS = 10_000;

  private final CardStore store;
  private final Clock clock;
  private volatile List<byte[]> keys; // the signing key first, then older ones still accepted
  private volatile long lastRefresh;

  private SessionKeys(CardStore store, Clock clock, byte[] key) {
    this.store = store;
    this.clock = clock;
    this.keys = List.of(key);
    this.lastRefresh = clock.millis();
  }

  /** Reads the stored key, creating it first on a store that has none (blocking). */
  public static SessionKeys establish(CardStore store, Clock clock) {
    Optional<String> stored = store.meta(META_KEY);
    if (stored.isEmpty()) {
      byte[] fresh = new byte[32];
      new SecureRandom().nextBytes(fresh);
      store
          .commit(
              new WriteBatch(
                  List.of(),
                  List.of(),
                  List.of(),
                  Map.of(META_KEY, HexFormat.of().formatHex(fresh))))
          .join();
      stored = store.meta(META_KEY);
    }
    return new SessionKeys(store, clock, HexFormat.of().parseHex(stored.orElseThrow()));
  }

  /** The key new cookies are signed with. */
  public byte[] signing() {
    return keys.get(0);
  }

  /** Every key a cookie may be signed with. */
  public List<byte[]> accepted() {
    return keys;
  }

  /**
   * Reads the stored key again, unless that was done less than {@link #REFRESH_MILLIS} ago
   * (blocking).
   *
   * @return whether a key this node did not hold was found
   */
  public boolean refresh() {
    long now = clock.millis();
    if (now - lastRefresh < REFRESH_MILLIS) {
      return false;
    }
    lastRefresh = now;
    return store.meta(META_KEY).map(this::adopt).orElse(false);
  }

  /** Another node stored a key (the cluster bus told this node). */
  public void changedElsewhere(String hex) {
    adopt(hex);
  }

  private synchronized boolean adopt(String hex) {
    byte[] key;
    try {
      key = HexFormat.of().parseHex(hex);
    } catch (IllegalArgumentException e) {
      return false;
    }
    for (byte[] held : keys) {
      if (java.util.Arrays.equals(held, key)) {
        return false;
      }
    }
    List<byte[]> next = new ArrayList<>();
    next.add(key);
    next.addAll(keys);
    keys = List.copyOf(next);
    return true;
  }
}
