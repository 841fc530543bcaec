package io.opencardkit.server.signin;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.core.Json;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Session cookie values: {@code base64url(JSON payload) "." base64url(HMAC-SHA256(key, first
 * part))}. Any node that holds the cluster's key verifies a cookie another node issued, without
 * asking anyone. Also signs the short-lived state of an OpenID Connect sign-in in flight ({@link
 * #sign}, {@link #verify}).
 */
public final class SessionCodec {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  /** Far more than a cookie of ours needs; longer values are refused before any work. */
  private static final int MAX_VALUE_LENGTH = 2048;

  /**
   * What a session payload says it is, so that another signed value (a sign-in in flight) is never
   * taken for one.
   */
  private static final String TYPE = "session";

  private SessionCodec() {}

  public static String encode(Session session, byte[] key) {
    return sign(
        Json.object()
            .put("typ", TYPE)
            .put("sid", session.id())
            .put("sub", session.openId())
            .put("mode", session.mode())
            .put("iat", session.issuedAt())
            .put("exp", session.expiresAt())
            .put("proof", session.proof()),
        key);
  }

  /**
   * The session a cookie value names, if one of {@code keys} signed it and it is well formed
   * (expiry unchecked).
   */
  public static Optional<Session> decode(String value, List<byte[]> keys) {
    return verify(value, keys).flatMap(SessionCodec::session);
  }

  private static Optional<Session> session(JsonNode p) {
    if (!TYPE.equals(p.path("typ").asText())
        || !p.path("sid").isTextual()
        || !p.path("sub").isTextual()
        || !p.path("mode").isTextual()
        || !p.path("iat").canConvertToLong()
        || !p.path("exp").canConvertToLong()) {
      return Optional.empty();
    }
    return Optional.of(
        new Session(
            p.get("sid").asText(),
            p.get("sub").asText(),
            p.get("mode").asText(),
            p.get("iat").asLong(),
            p.get("exp").asLong(),
            p.path("proof").asText("")));
  }

  /** A signed value carrying {@code payload}. */
  public static String sign(JsonNode payload, byte[] key) {
    String body = B64.encodeToString(Json.write(payload).getBytes(StandardCharsets.UTF_8));
    return body + "." + B64.encodeToString(hmac(key, body));
  }

  /** The payload of a value one of {@code keys} signed; empty for anything else. */
  public static Optional<JsonNode> verify(String value, List<byte[]> keys) {
    if (value == null || value.length() > MAX_VALUE_LENGTH) {
      return Optional.empty();
    }
    int dot = value.indexOf('.');
    if (dot <= 0 || dot != value.lastIndexOf('.')) {
      return Optional.empty();
    }
    String body = value.substring(0, dot);
    byte[] signature;
    byte[] json;
    try {
      signature = B64D.decode(value.substring(dot + 1));
      json = B64D.decode(body);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    for (byte[] key : keys) {
      if (MessageDigest.isEqual(hmac(key, body), signature)) {
        JsonNode payload = Json.parseOrNull(new String(json, StandardCharsets.UTF_8));
        return payload != null && payload.isObject() ? Optional.of(payload) : Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static byte[] hmac(byte[] key, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(text.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }
}
