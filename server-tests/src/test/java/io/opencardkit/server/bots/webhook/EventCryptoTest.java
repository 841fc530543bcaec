package io.opencardkit.server.bots.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.lark.oapi.core.utils.Decryptor;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

final class EventCryptoTest {
  private static final String KEY = "test-encrypt-key";

  @Test
  void encrypt_anyText_isDecryptedByTheSdk() {
    String plain =
        "{\"schema\":\"2.0\",\"header\":{\"event_type\":\"im.message.receive_v1\"},\"text\":\"你好 👋\"}";

    String encrypted = EventCrypto.encrypt(KEY, plain);

    assertThat(new Decryptor(KEY).decrypt(encrypted)).isEqualTo(plain);
  }

  @Test
  void encrypt_sameTextTwice_differsByIv() {
    assertThat(EventCrypto.encrypt(KEY, "x")).isNotEqualTo(EventCrypto.encrypt(KEY, "x"));
  }

  @Test
  void decrypt_ofEncrypt_isTheText() {
    byte[] iv = new byte[16];
    assertThat(EventCrypto.decrypt(KEY, EventCrypto.encrypt(KEY, "block-aligned-16", iv)))
        .isEqualTo("block-aligned-16");
  }

  @Test
  void sha256Signature_isTheDocumentedFormula() throws Exception {
    String expected =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest(
                        "1700000000nonceKEY{\"encrypt\":\"x\"}".getBytes(StandardCharsets.UTF_8)));

    assertThat(EventCrypto.sha256Signature("1700000000", "nonce", "KEY", "{\"encrypt\":\"x\"}"))
        .isEqualTo(expected);
  }

  @Test
  void sha1Signature_isTheLegacyFormula() throws Exception {
    String expected =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-1")
                    .digest("1700000000nonceTOKEN{}".getBytes(StandardCharsets.UTF_8)));

    assertThat(EventCrypto.sha1Signature("1700000000", "nonce", "TOKEN", "{}")).isEqualTo(expected);
  }
}
