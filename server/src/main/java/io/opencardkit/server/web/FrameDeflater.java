package io.opencardkit.server.web;

import java.util.Arrays;
import java.util.zip.Deflater;

/**
 * Compresses one frame on its own, as permessage-deflate sends a message without context takeover
 * (RFC 7692 7.2.1): raw DEFLATE, flushed with a sync flush whose trailing empty block {@code 00 00
 * ff ff} is removed. Each thread keeps one {@link Deflater} and resets it per frame, so compressing
 * allocates no zlib state.
 */
final class FrameDeflater {
  /** zlib's default level, as Vert.x and browsers use. */
  static final int LEVEL = 6;

  private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};
  private static final ThreadLocal<Deflater> DEFLATERS =
      ThreadLocal.withInitial(() -> new Deflater(LEVEL, true));

  private FrameDeflater() {}

  static byte[] deflate(byte[] input) {
    Deflater deflater = DEFLATERS.get();
    deflater.reset();
    deflater.setInput(input);
    byte[] out = new byte[input.length + input.length / 8 + 64];
    int length = 0;
    while (true) {
      length += deflater.deflate(out, length, out.length - length, Deflater.SYNC_FLUSH);
      if (length < out.length) {
        break; // a sync flush that did not fill the buffer is complete
      }
      out = Arrays.copyOf(out, out.length * 2);
    }
    if (length >= TAIL.length
        && Arrays.equals(out, length - TAIL.length, length, TAIL, 0, TAIL.length)) {
      length -= TAIL.length;
    }
    return Arrays.copyOf(out, length);
  }
}
