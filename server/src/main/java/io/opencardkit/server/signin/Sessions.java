package io.opencardkit.server.signin;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Opens, checks and ends the web chat's sessions: signed cookie values ({@link SessionCodec}) that
 * any node of the cluster checks with the shared key ({@link SessionKeys}), that expire on their
 * own, and that a sign-out ends on every node ({@link Revocations}).
 */
public final class Sessions {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SessionKeys keys;
  private final Revocations revocations;
  private final Clock clock;
  private final Duration timeout;
  private final Executor blocking;

  public Sessions(
      SessionKeys keys, Revocations revocations, Clock clock, Duration timeout, Executor blocking) {
    this.keys = keys;
    this.revocations = revocations;
    this.clock = clock;
    this.timeout = timeout;
    this.blocking = blocking;
  }

  /** A new session for a user, signed in now by {@code mode}. */
  public Session open(String openId, String mode, String proof) {
    long now = clock.millis();
    return new Session(randomId(), openId, mode, now, now + timeout.toMillis(), proof);
  }

  /** The cookie value of a session. */
  public String cookieValue(Session session) {
    return SessionCodec.encode(session, keys.signing());
  }

  /** How long the cookie of a session opened now lives. */
  public Duration timeout() {
    return timeout;
  }

  /**
   * The live session a cookie value stands for: signed with the cluster's key, of {@code mode}, not
   * expired, not signed out. Empty otherwise.
   */
  public CompletableFuture<Optional<Session>> resolve(String cookieValue, String mode) {
    if (cookieValue == null || cookieValue.isEmpty()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    Optional<Session> decoded = SessionCodec.decode(cookieValue, keys.accepted());
    CompletableFuture<Optional<Session>> verified =
        decoded.isPresent()
            ? CompletableFuture.completedFuture(decoded)
            : CompletableFuture.supplyAsync(
                () ->
                    keys.refresh()
                        ? SessionCodec.decode(cookieValue, keys.accepted())
                        : Optional.<Session>empty(),
                blocking);
    return verified.thenCompose(
        session -> {
          if (session.isEmpty()
              || !mode.equals(session.get().mode())
              || session.get().expired(clock.millis())) {
            return CompletableFuture.completedFuture(Optional.<Session>empty());
          }
          return revocations
              .isRevoked(session.get())
              .thenApply(revoked -> revoked ? Optional.<Session>empty() : session);
        });
  }

  /** Ends a session on every node. */
  public CompletableFuture<Void> revoke(Session session) {
    return revocations.revoke(session);
  }

  public long nowMillis() {
    return clock.millis();
  }

  static String randomId() {
    byte[] id = new byte[18];
    RANDOM.nextBytes(id);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
  }
}
