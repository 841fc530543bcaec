package io.opencardkit.server.web;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.SingleThreadEventLoop;
import java.util.IdentityHashMap;

/**
 * The WebSocket frames, header and payload, of the {@link OutFrame}s that the sockets of one event
 * loop write during one turn of the loop: each is encoded into one direct buffer the first time a
 * socket writes it, and every socket of the loop is handed a duplicate of that buffer. Without it,
 * Netty's WebSocket encoder allocated a buffer per socket and copied the payload into it, for every
 * frame: 6–7 % of the event loops' time when 250 viewers watch a chat (docs/benchmarks.md, stop
 * 23). Server frames are not masked (RFC 6455, 5.1), so the bytes are the same for every socket
 * that gets the same payload.
 *
 * <p>Implementation notes: the buffers are released when the loop's turn ends (a task Netty runs
 * after the turn's tasks); the sockets' duplicates keep theirs alive until they are written. So no
 * direct memory outlives the turn that needed it, while the frames themselves (byte arrays) stay in
 * the cards' resume windows. Confined to its loop.
 */
final class WireFrames {
  private static final int FIN_TEXT = 0x81;
  private static final int RSV1 = 0x40;

  private final EventLoop loop;
  private final IdentityHashMap<OutFrame, ByteBuf> plain = new IdentityHashMap<>();
  private final IdentityHashMap<OutFrame, ByteBuf> compressed = new IdentityHashMap<>();
  private final Runnable releaseAll = this::releaseAll;
  private boolean releaseScheduled;

  WireFrames(EventLoop loop) {
    this.loop = loop;
  }

  /**
   * The whole WebSocket frame of {@code frame}, as a buffer of the caller's own to write: its
   * compressed payload with RSV1 set when {@code deflated}, else its text. Call on the loop.
   */
  ByteBuf frame(OutFrame frame, boolean deflated, ByteBufAllocator alloc) {
    IdentityHashMap<OutFrame, ByteBuf> encoded = deflated ? compressed : plain;
    ByteBuf wire = encoded.get(frame);
    if (wire == null) {
      wire = encode(alloc, deflated ? frame.deflatedBytes() : frame.bytes(), deflated);
      encoded.put(frame, wire);
      scheduleRelease();
    }
    return wire.retainedDuplicate();
  }

  /** Frames encoded and not released yet (tests). */
  int held() {
    return plain.size() + compressed.size();
  }

  /**
   * One final, unmasked text frame (RFC 6455, 5.2): RSV1 marks a compressed payload
   * (permessage-deflate, RFC 7692).
   */
  static ByteBuf encode(ByteBufAllocator alloc, byte[] payload, boolean rsv1) {
    int length = payload.length;
    int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
    ByteBuf wire = alloc.directBuffer(header + length);
    wire.writeByte(FIN_TEXT | (rsv1 ? RSV1 : 0));
    if (length < 126) {
      wire.writeByte(length);
    } else if (length <= 0xFFFF) {
      wire.writeByte(126);
      wire.writeShort(length);
    } else {
      wire.writeByte(127);
      wire.writeLong(length);
    }
    wire.writeBytes(payload);
    return wire;
  }

  private void scheduleRelease() {
    if (releaseScheduled) {
      return;
    }
    releaseScheduled = true;
    if (loop instanceof SingleThreadEventLoop) {
      ((SingleThreadEventLoop) loop).executeAfterEventLoopIteration(releaseAll);
    } else {
      loop.execute(releaseAll);
    }
  }

  private void releaseAll() {
    releaseScheduled = false;
    plain.values().forEach(ByteBuf::release);
    plain.clear();
    compressed.values().forEach(ByteBuf::release);
    compressed.clear();
  }
}
