package io.opencardkit.server.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens whose MAC was already checked, so a bot's every call does not pay an HMAC (a {@code Mac}
 * instance, a key schedule and a digest: several microseconds of an event loop each time).
 *
 * <p>Only tokens that verified are kept, so a caller cannot fill it with made-up ones; a node sees
 * a handful per app (one per two hours). The bound is a safety net: past it the map starts over,
 * which costs one HMAC per token.
 */
final class VerifiedTokens {
  static final int MAX_ENTRIES = 10_000;

  /** What a verified token stands for, and the secret it was verified with. */
  record Entry(String appId, String secret, long expiry) {}

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  Entry get(String token) {
    return entries.get(token);
  }

  void put(String token, Entry entry) {
    if (entries.size() >= MAX_ENTRIES) {
      entries.clear();
    }
    entries.put(token, entry);
  }

  void remove(String token) {
    entries.remove(token);
  }

  int size() {
    return entries.size();
  }
}
