package io.opencardkit.server.signin;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.core.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

final class SessionCodecTest {
  private static final byte[] KEY =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] OTHER_KEY =
      "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);
  private static final Session ALICE = new Session("sid1", "ou_alice", "oidc", 1_000, 2_000, "");

  @Test
  void decode_ofWhatTheClustersKeySigned_isTheSession() {
    assertThat(SessionCodec.decode(SessionCodec.encode(ALICE, KEY), List.of(OTHER_KEY, KEY)))
        .hasValue(ALICE);
  }

  @Test
  void decode_ofAnotherKeysOrAnAlteredValue_isNothing() {
    String value = SessionCodec.encode(ALICE, KEY);
    assertThat(SessionCodec.decode(value, List.of(OTHER_KEY))).isEmpty();
    // Someone rewrites the payload to name Bob: the signature no longer matches.
    String forged =
        Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                    new String(
                            Base64.getUrlDecoder().decode(value.substring(0, value.indexOf('.'))),
                            StandardCharsets.UTF_8)
                        .replace("ou_alice", "ou_bob")
                        .getBytes(StandardCharsets.UTF_8))
            + value.substring(value.indexOf('.'));
    assertThat(SessionCodec.decode(forged, List.of(KEY))).isEmpty();
    assertThat(SessionCodec.decode(value + "A", List.of(KEY))).isEmpty();
    assertThat(SessionCodec.decode("", List.of(KEY))).isEmpty();
    assertThat(SessionCodec.decode("a.b.c", List.of(KEY))).isEmpty();
    assertThat(SessionCodec.decode("x".repeat(5000), List.of(KEY))).isEmpty();
  }

  @Test
  void decode_ofAnotherSignedValue_isNoSession() {
    // The state of a sign-in in flight is signed with the same key; it must never pass for a
    // session.
    String inFlight =
        SessionCodec.sign(
            Json.object()
                .put("typ", "oidc-sign-in")
                .put("sid", "s")
                .put("sub", "ou_alice")
                .put("mode", "oidc")
                .put("iat", 1)
                .put("exp", 2),
            KEY);
    assertThat(SessionCodec.verify(inFlight, List.of(KEY))).isPresent();
    assertThat(SessionCodec.decode(inFlight, List.of(KEY))).isEmpty();
  }

  @Test
  void session_expiresAtItsExpiry() {
    assertThat(ALICE.expired(1_999)).isFalse();
    assertThat(ALICE.expired(2_000)).isTrue();
  }
}
