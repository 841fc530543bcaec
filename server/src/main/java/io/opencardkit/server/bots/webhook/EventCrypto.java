package io.opencardkit.server.bots.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Feishu's delivery security as pure functions: the {@code encrypt} body (AES-256-CBC, key =
 * SHA-256 of the app's Encrypt Key, PKCS#7 padding, {@code base64(iv + ciphertext)}) and the two
 * {@code X-Lark-Signature} schemes.
 */
final class EventCrypto {
  private static final SecureRandom RANDOM = new SecureRandom();

  private EventCrypto() {}

  /** Encrypts {@code plaintext} with a fresh random IV. */
  static String encrypt(String encryptKey, String plaintext) {
    byte[] iv = new byte[16];
    RANDOM.nextBytes(iv);
    return encrypt(encryptKey, plaintext, iv);
  }

  /** Encrypts {@code plaintext} with the given 16-byte IV (tests pin it). */
  static String encrypt(String encryptKey, String plaintext, byte[] iv) {
    try {
      Cipher cipher =
          Cipher.getInstance("AES/CBC/PKCS5Padding"); // PKCS#5 is PKCS#7 for AES's 16-byte blocks
      cipher.init(
          Cipher.ENCRYPT_MODE,
          new SecretKeySpec(sha256(encryptKey), "AES"),
          new IvParameterSpec(iv));
      byte[] encrypted = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[iv.length + encrypted.length];
      System.arraycopy(iv, 0, out, 0, iv.length);
      System.arraycopy(encrypted, 0, out, iv.length, encrypted.length);
      return Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-CBC is unavailable", e);
    }
  }

  /** The inverse of {@link #encrypt}. */
  static String decrypt(String encryptKey, String base64) {
    try {
      byte[] all = Base64.getDecoder().decode(base64);
      Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
      cipher.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(sha256(encryptKey), "AES"),
          new IvParameterSpec(all, 0, 16));
      return new String(cipher.doFinal(all, 16, all.length - 16), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not an encrypt body of this key", e);
    }
  }

  /**
   * Events and current card callbacks: {@code hex(sha256(timestamp + nonce + encrypt_key + body))}.
   */
  static String sha256Signature(String timestamp, String nonce, String encryptKey, String body) {
    return hex("SHA-256", timestamp + nonce + encryptKey + body);
  }

  /** The legacy card callback: {@code hex(sha1(timestamp + nonce + verification_token + body))}. */
  static String sha1Signature(
      String timestamp, String nonce, String verificationToken, String body) {
    return hex("SHA-1", timestamp + nonce + verificationToken + body);
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(String algorithm, String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
