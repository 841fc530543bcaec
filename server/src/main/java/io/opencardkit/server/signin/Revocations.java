package io.opencardkit.server.signin;

import io.opencardkit.core.store.CardStore;
import io.opencardkit.core.store.WriteBatch;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Sessions ended by a sign-out before their expiry. A sign-out stores an entry in the store's
 * key/value area (every node reads it there) and, through the cluster bus, tells the other nodes at
 * once.
 *
 * <p>Implementation notes: each node remembers, per session id, whether it was revoked. A
 * revocation is final; a "not revoked" answer is trusted for {@link #RECHECK_MILLIS} and then read
 * from the store again, so a node that missed the bus's word (Redis down) refuses a signed-out
 * session at most that long after the sign-out. Entries of expired sessions are dropped when the
 * map grows; the stored entries are a few dozen bytes per sign-out.
 */
public final class Revocations {
  /** Prefix of the stored entries; the session id follows, the value is the session's expiry. */
  public static final String META_PREFIX = "web.session_revoked.";

  static final long RECHECK_MILLIS = 10_000;
  private static final int PRUNE_ABOVE = 10_000;

  private record Known(boolean revoked, long checkedAt, long expiresAt) {}

  private final CardStore store;
  private final Clock clock;
  private final Executor blocking;
  private final ConcurrentHashMap<String, Known> known = new ConcurrentHashMap<>();

  public Revocations(CardStore store, Clock clock, Executor blocking) {
    this.store = store;
    this.clock = clock;
    this.blocking = blocking;
  }

  /** Whether a sign-out ended the session (reads the store when this node's answer is stale). */
  public CompletableFuture<Boolean> isRevoked(Session session) {
    Known entry = known.get(session.id());
    long now = clock.millis();
    if (entry != null && (entry.revoked() || now - entry.checkedAt() < RECHECK_MILLIS)) {
      return CompletableFuture.completedFuture(entry.revoked());
    }
    return CompletableFuture.supplyAsync(
        () -> {
          boolean revoked = store.meta(META_PREFIX + session.id()).isPresent();
          remember(session.id(), revoked, session.expiresAt());
          return revoked;
        },
        blocking);
  }

  /** Ends a session on every node; completes once the sign-out is stored. */
  public CompletableFuture<Void> revoke(Session session) {
    remember(session.id(), true, session.expiresAt());
    return store.commit(
        new WriteBatch(
            List.of(),
            List.of(),
            List.of(),
            Map.of(META_PREFIX + session.id(), Long.toString(session.expiresAt()))));
  }

  /** Another node stored a sign-out. */
  public void revokedElsewhere(String sessionId, String expiresAt) {
    long expiry;
    try {
      expiry = Long.parseLong(expiresAt);
    } catch (NumberFormatException e) {
      expiry = Long.MAX_VALUE;
    }
    remember(sessionId, true, expiry);
  }

  private void remember(String sessionId, boolean revoked, long expiresAt) {
    known.merge(
        sessionId,
        new Known(revoked, clock.millis(), expiresAt),
        (old, fresh) -> old.revoked() ? old : fresh);
    if (known.size() > PRUNE_ABOVE) {
      long now = clock.millis();
      known.values().removeIf(k -> k.expiresAt() <= now);
    }
  }
}
