package io.opencardkit.server.bots.longconnection;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes {@link Frame}s in protobuf's wire format by hand: the message has nine
 * fields, so a small codec is simpler than a protobuf dependency (docs/design-decisions.md).
 * Unknown fields are skipped on decode.
 */
final class FrameCodec {
  private static final int VARINT = 0;
  private static final int FIXED64 = 1;
  private static final int LENGTH_DELIMITED = 2;
  private static final int FIXED32 = 5;

  private FrameCodec() {}

  static byte[] encode(Frame frame) {
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(64 + (frame.payload() == null ? 0 : frame.payload().length));
    // Fields 1-4 are proto2 "required": always written, even when zero.
    varintField(out, 1, frame.seqId());
    varintField(out, 2, frame.logId());
    varintField(
        out,
        3,
        frame.service()); // int32: a negative value is sign-extended to ten bytes, as protobuf does
    varintField(out, 4, frame.method());
    for (Frame.Header header : frame.headers()) {
      ByteArrayOutputStream h = new ByteArrayOutputStream();
      bytesField(h, 1, header.key().getBytes(StandardCharsets.UTF_8));
      bytesField(h, 2, header.value().getBytes(StandardCharsets.UTF_8));
      bytesField(out, 5, h.toByteArray());
    }
    if (frame.payloadEncoding() != null) {
      bytesField(out, 6, frame.payloadEncoding().getBytes(StandardCharsets.UTF_8));
    }
    if (frame.payloadType() != null) {
      bytesField(out, 7, frame.payloadType().getBytes(StandardCharsets.UTF_8));
    }
    if (frame.payload() != null) {
      bytesField(out, 8, frame.payload());
    }
    if (frame.logIdNew() != null) {
      bytesField(out, 9, frame.logIdNew().getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  /**
   * Decodes a frame.
   *
   * @throws IllegalArgumentException when the bytes are not a well-formed frame
   */
  static Frame decode(byte[] bytes) {
    Reader in = new Reader(bytes, 0, bytes.length);
    long seqId = 0;
    long logId = 0;
    int service = 0;
    int method = 0;
    List<Frame.Header> headers = new ArrayList<>();
    String payloadEncoding = null;
    String payloadType = null;
    byte[] payload = null;
    String logIdNew = null;
    while (in.hasMore()) {
      long tag = in.varint();
      int field = (int) (tag >>> 3);
      int wireType = (int) (tag & 7);
      switch (field) {
        case 1:
          seqId = in.expect(wireType, VARINT).varint();
          break;
        case 2:
          logId = in.expect(wireType, VARINT).varint();
          break;
        case 3:
          service = (int) in.expect(wireType, VARINT).varint();
          break;
        case 4:
          method = (int) in.expect(wireType, VARINT).varint();
          break;
        case 5:
          headers.add(header(in.expect(wireType, LENGTH_DELIMITED).bytes()));
          break;
        case 6:
          payloadEncoding = utf8(in.expect(wireType, LENGTH_DELIMITED).bytes());
          break;
        case 7:
          payloadType = utf8(in.expect(wireType, LENGTH_DELIMITED).bytes());
          break;
        case 8:
          payload = in.expect(wireType, LENGTH_DELIMITED).bytes();
          break;
        case 9:
          logIdNew = utf8(in.expect(wireType, LENGTH_DELIMITED).bytes());
          break;
        default:
          in.skip(wireType);
      }
    }
    return new Frame(
        seqId, logId, service, method, headers, payloadEncoding, payloadType, payload, logIdNew);
  }

  private static Frame.Header header(byte[] bytes) {
    Reader in = new Reader(bytes, 0, bytes.length);
    String key = null;
    String value = null;
    while (in.hasMore()) {
      long tag = in.varint();
      int field = (int) (tag >>> 3);
      int wireType = (int) (tag & 7);
      if (field == 1) {
        key = utf8(in.expect(wireType, LENGTH_DELIMITED).bytes());
      } else if (field == 2) {
        value = utf8(in.expect(wireType, LENGTH_DELIMITED).bytes());
      } else {
        in.skip(wireType);
      }
    }
    if (key == null || value == null) {
      throw new IllegalArgumentException("a header needs both key and value");
    }
    return new Frame.Header(key, value);
  }

  private static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static void varintField(ByteArrayOutputStream out, int field, long value) {
    varint(out, ((long) field << 3) | VARINT);
    varint(out, value);
  }

  private static void bytesField(ByteArrayOutputStream out, int field, byte[] value) {
    varint(out, ((long) field << 3) | LENGTH_DELIMITED);
    varint(out, value.length);
    out.write(value, 0, value.length);
  }

  private static void varint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }

  /** A cursor over protobuf bytes. */
  private static final class Reader {
    private final byte[] bytes;
    private int pos;
    private final int end;

    Reader(byte[] bytes, int pos, int end) {
      this.bytes = bytes;
      this.pos = pos;
      this.end = end;
    }

    boolean hasMore() {
      return pos < end;
    }

    Reader expect(int wireType, int expected) {
      if (wireType != expected) {
        throw new IllegalArgumentException(
            "wire type " + wireType + " where " + expected + " was expected");
      }
      return this;
    }

    long varint() {
      long result = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= end) {
          throw new IllegalArgumentException("truncated varint");
        }
        byte b = bytes[pos++];
        result |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return result;
        }
      }
      throw new IllegalArgumentException("varint longer than ten bytes");
    }

    byte[] bytes() {
      long length = varint();
      if (length < 0 || length > end - pos) {
        throw new IllegalArgumentException("length " + length + " runs past the end");
      }
      byte[] value = new byte[(int) length];
      System.arraycopy(bytes, pos, value, 0, value.length);
      pos += value.length;
      return value;
    }

    void skip(int wireType) {
      switch (wireType) {
        case VARINT:
          varint();
          break;
        case FIXED64:
          advance(8);
          break;
        case LENGTH_DELIMITED:
          bytes();
          break;
        case FIXED32:
          advance(4);
          break;
        default:
          throw new IllegalArgumentException("unsupported wire type " + wireType);
      }
    }

    private void advance(int n) {
      if (n > end - pos) {
        throw new IllegalArgumentException("truncated field");
      }
      pos += n;
    }
  }
}
