package io.opencardkit.server.web;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * A server → page frame encoded once: its UTF-8 bytes and, the first time a socket with shared
 * permessage-deflate needs them, its compressed bytes. Every viewer it goes to is sent the same
 * bytes; immutable and safe to share between event loops.
 *
 * <p>Only the byte arrays are kept (frames live in the cards' resume windows for up to two minutes,
 * so every object per frame is one the garbage collector copies); each write wraps them in a buffer
 * of its own, which Netty releases.
 */
final class OutFrame {
  private final byte[] utf8;
  private final String cardId;
  private final long version;
  private final AppendStream stream;
  private volatile byte[] deflated;

  private OutFrame(byte[] utf8, String cardId, long version, AppendStream stream) {
    this.utf8 = utf8;
    this.cardId = cardId;
    this.version = version;
    this.stream = stream;
  }

  /** A frame that is not one card version (hello, message, preview, toast, stream). */
  static OutFrame of(String text) {
    return new OutFrame(text.getBytes(StandardCharsets.UTF_8), null, 0, null);
  }

  /** A card frame of one version. */
  static OutFrame card(String text, String cardId, long version) {
    return new OutFrame(text.getBytes(StandardCharsets.UTF_8), cardId, version, null);
  }

  /**
   * A compact append frame: it means something only after {@code stream}'s announcement on the same
   * socket.
   */
  static OutFrame compact(String text, AppendStream stream, long version) {
    return new OutFrame(text.getBytes(StandardCharsets.UTF_8), stream.cardId(), version, stream);
  }

  /** The card this frame belongs to, or {@code null}. */
  String cardId() {
    return cardId;
  }

  /** The card version, 0 for frames that are not one card version. */
  long version() {
    return version;
  }

  /** The stream a compact append refers to, or {@code null} for a self-contained frame. */
  AppendStream stream() {
    return stream;
  }

  /** Length of the UTF-8 text in bytes. */
  int length() {
    return utf8.length;
  }

  /** The UTF-8 text itself; never modify it. */
  byte[] bytes() {
    return utf8;
  }

  /** The UTF-8 text, as a buffer of its own to hand to one socket. */
  ByteBuf utf8() {
    return Unpooled.wrappedBuffer(utf8);
  }

  /**
   * The payload to send on a socket with shared permessage-deflate, and whether it is compressed:
   * the compressed bytes (no context, trailing {@code 00 00 ff ff} removed) when they are shorter,
   * else the text itself. RFC 7692 lets a sender leave any message uncompressed (RSV1 clear), and a
   * short frame deflated without context is often longer than it was: a compact append of one token
   * grows by a few bytes.
   */
  boolean deflatesSmaller() {
    return deflatedBytes().length < utf8.length;
  }

  /** The compressed payload, as a buffer of its own; only when {@link #deflatesSmaller()}. */
  ByteBuf deflated() {
    return Unpooled.wrappedBuffer(deflatedBytes());
  }

  /** The compressed payload itself; never modify it. Only when {@link #deflatesSmaller()}. */
  byte[] deflatedBytes() {
    byte[] bytes = deflated;
    if (bytes == null) {
      synchronized (this) {
        bytes = deflated;
        if (bytes == null) {
          bytes = FrameDeflater.deflate(utf8);
          deflated = bytes;
        }
      }
    }
    return bytes;
  }

  /** The text (tests and logs). */
  String text() {
    return new String(utf8, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return text();
  }
}
