package io.opencardkit.server.auth;

import io.opencardkit.core.ApiException;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.server.directory.App;
import io.opencardkit.server.directory.Directory;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues and verifies tenant access tokens ({@code t-…}, valid two hours).
 *
 * <p>Implementation notes: a token is self-contained: {@code t-<app id>.<expiry>.<mac>}, where the
 * MAC is an HMAC-SHA256 keyed with the app's secret. So tokens survive a restart (the official SDKs
 * cache them process-wide for up to two hours), every node of a cluster accepts them without
 * sharing state, and changing an app's secret revokes its tokens. As on Feishu, a token is reissued
 * only when less than 30 minutes remain.
 */
public final class TokenService {
  static final long LIFETIME_SECONDS = 7200;
  private static final long REISSUE_BELOW_SECONDS = 1800;

  private final Supplier<Directory> directory;
  private final Clock clock;
  private final Map<String, String> current = new ConcurrentHashMap<>();
  private final VerifiedTokens verified = new VerifiedTokens();

  public TokenService(Supplier<Directory> directory, Clock clock) {
    this.directory = directory;
    this.clock = clock;
  }

  /** A token and its remaining lifetime in seconds. */
  public record Issued(String token, long expireSeconds) {}

  /**
   * Exchanges an app's credentials for a token.
   *
   * @throws ApiException 10002 for missing fields, 10014 for an unknown app or a wrong secret
   */
  public Issued issue(String appId, String appSecret) {
    App app =
        directory
            .get()
            .app(appId)
            .orElseThrow(() -> ApiException.of(ErrorCode.WRONG_APP_SECRET, "unknown app_id"));
    if (!MessageDigest.isEqual(
        app.appSecret().getBytes(StandardCharsets.UTF_8),
        appSecret.getBytes(StandardCharsets.UTF_8))) {
      throw new ApiException(ErrorCode.WRONG_APP_SECRET);
    }
    long now = clock.millis() / 1000;
    String existing = current.get(appId);
    if (existing != null) {
      Optional<Long> expiry = verifiedExpiry(existing, app);
      if (expiry.isPresent() && expiry.get() - now >= REISSUE_BELOW_SECONDS) {
        return new Issued(existing, expiry.get() - now);
      }
    }
    long expiry = now + LIFETIME_SECONDS;
    String token =
        "t-"
            + encode(appId)
            + "."
            + Long.toString(expiry, 36)
            + "."
            + mac(app.appSecret(), appId, expiry);
    current.put(appId, token);
    return new Issued(token, LIFETIME_SECONDS);
  }

  /**
   * Returns the app a bearer token belongs to.
   *
   * @throws ApiException 99991661 when there is no token, 99991663 when it is unknown or expired
   */
  public String authenticate(String authorizationHeader) {
    if (authorizationHeader == null || authorizationHeader.isBlank()) {
      throw new ApiException(ErrorCode.TOKEN_MISSING);
    }
    String token =
        authorizationHeader.startsWith("Bearer ")
            ? authorizationHeader.substring(7).trim()
            : authorizationHeader.trim();
    if (token.isEmpty()) {
      throw new ApiException(ErrorCode.TOKEN_MISSING);
    }
    long now = clock.millis() / 1000;
    VerifiedTokens.Entry known = verified.get(token);
    if (known != null) {
      // A cached verdict holds while the app keeps the secret it was verified with: a new secret
      // revokes the token.
      App app = directory.get().app(known.appId()).orElse(null);
      if (app != null && app.appSecret().equals(known.secret()) && known.expiry() > now) {
        return known.appId();
      }
      verified.remove(token);
    }
    String appId = appIdOf(token);
    App app = appId == null ? null : directory.get().app(appId).orElse(null);
    Optional<Long> expiry = app == null ? Optional.empty() : verifiedExpiry(token, app);
    if (expiry.isEmpty() || expiry.get() <= now) {
      throw new ApiException(ErrorCode.TOKEN_INVALID);
    }
    verified.put(token, new VerifiedTokens.Entry(appId, app.appSecret(), expiry.get()));
    return appId;
  }

  private static String appIdOf(String token) {
    if (!token.startsWith("t-")) {
      return null;
    }
    int dot = token.indexOf('.');
    if (dot < 0) {
      return null;
    }
    try {
      return new String(
          Base64.getUrlDecoder().decode(token.substring(2, dot)), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Optional<Long> verifiedExpiry(String token, App app) {
    String[] parts = token.substring(2).split("\\.");
    if (parts.length != 3) {
      return Optional.empty();
    }
    long expiry;
    try {
      expiry = Long.parseLong(parts[1], 36);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    String expected = mac(app.appSecret(), app.appId(), expiry);
    boolean valid =
        MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.US_ASCII),
            parts[2].getBytes(StandardCharsets.US_ASCII));
    return valid ? Optional.of(expiry) : Optional.empty();
  }

  private static String encode(String appId) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(appId.getBytes(StandardCharsets.UTF_8));
  }

  private static String mac(String secret, String appId, long expiry) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] digest = mac.doFinal((appId + "|" + expiry).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 20);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is always available", e);
    }
  }
}
