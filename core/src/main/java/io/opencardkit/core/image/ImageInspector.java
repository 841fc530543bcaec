package io.opencardkit.core.image;

import io.opencardkit.core.ApiException;
import io.opencardkit.core.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Checks an image uploaded to {@code im/v1/images} as Feishu does: at most 10 MB and not empty, one
 * of the formats Feishu accepts (JPG, PNG, WEBP, GIF, BMP, ICO, TIFF, HEIC, recognized by their
 * bytes, not by a file name), and at most 12000 × 12000 pixels (GIF 2000 × 2000, avatars 4096 ×
 * 4096). Only headers are read, never the pixels. Pure.
 */
public final class ImageInspector {
  /** Feishu's limit for an image: 10 MB. */
  public static final int MAX_BYTES = 10 * 1024 * 1024;

  private static final int MAX_SIDE = 12_000;
  private static final int MAX_GIF_SIDE = 2_000;
  private static final int MAX_AVATAR_SIDE = 4_096;
  private static final Set<String> HEIF_BRANDS =
      Set.of("heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs", "mif1", "msf1");

  private ImageInspector() {}

  /**
   * The facts of an upload's bytes.
   *
   * @param avatar whether the image is uploaded with {@code image_type=avatar} (a smaller
   *     resolution limit)
   * @throws ApiException 234010 for no bytes, 234006 beyond 10 MB, 234011 for bytes of no accepted
   *     format (or whose header is cut short), 234039 beyond the resolution limit
   */
  public static ImageFacts inspect(byte[] bytes, boolean avatar) {
    if (bytes.length == 0) {
      throw new ApiException(ErrorCode.IMAGE_EMPTY);
    }
    if (bytes.length > MAX_BYTES) {
      throw ApiException.of(
          ErrorCode.IMAGE_TOO_LARGE,
          "an image may have at most 10 MB, this one has " + bytes.length + " bytes");
    }
    @Nullable ImageFacts facts;
    try {
      facts = read(bytes);
    } catch (IndexOutOfBoundsException e) {
      facts = null; // a header cut short is no image
    }
    if (facts == null || facts.width() <= 0 || facts.height() <= 0) {
      throw ApiException.of(
          ErrorCode.IMAGE_FORMAT, "supported: JPG, JPEG, PNG, WEBP, GIF, BMP, ICO, TIFF, HEIC");
    }
    int limit = avatar ? MAX_AVATAR_SIDE : "gif".equals(facts.format()) ? MAX_GIF_SIDE : MAX_SIDE;
    if (facts.width() > limit || facts.height() > limit) {
      throw ApiException.of(
          ErrorCode.IMAGE_RESOLUTION,
          facts.format()
              + " of "
              + facts.width()
              + " x "
              + facts.height()
              + ", at most "
              + limit
              + " x "
              + limit);
    }
    return facts;
  }

  private static @Nullable ImageFacts read(byte[] b) {
    if (starts(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return new ImageFacts("png", "image/png", be32(b, 16), be32(b, 20));
    }
    if (starts(b, 0, 0xFF, 0xD8, 0xFF)) {
      return jpeg(b);
    }
    if (ascii(b, 0, "GIF87a") || ascii(b, 0, "GIF89a")) {
      return new ImageFacts("gif", "image/gif", le16(b, 6), le16(b, 8));
    }
    if (ascii(b, 0, "RIFF") && ascii(b, 8, "WEBP")) {
      return webp(b);
    }
    if (ascii(b, 0, "BM")) {
      return new ImageFacts("bmp", "image/bmp", le32(b, 18), Math.abs(le32(b, 22)));
    }
    if (ascii(b, 4, "ftyp")
        && HEIF_BRANDS.contains(new String(b, 8, 4, StandardCharsets.US_ASCII))) {
      return heic(b);
    }
    if (starts(b, 0, 0, 0, 1, 0) && le16(b, 4) > 0) {
      int w = b[6] & 0xFF;
      int h = b[7] & 0xFF;
      return new ImageFacts("ico", "image/x-icon", w == 0 ? 256 : w, h == 0 ? 256 : h);
    }
    if (ascii(b, 0, "II*\0") || ascii(b, 0, "MM\0*")) {
      return tiff(b);
    }
    return null;
  }

  /** The first start-of-frame segment holds the size. */
  private static @Nullable ImageFacts jpeg(byte[] b) {
    int i = 2;
    while (i + 9 < b.length) {
      if ((b[i] & 0xFF) != 0xFF) {
        return null;
      }
      int marker = b[i + 1] & 0xFF;
      if (marker == 0xFF) {
        i++; // fill byte
        continue;
      }
      boolean startOfFrame =
          marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (startOfFrame) {
        return new ImageFacts("jpeg", "image/jpeg", be16(b, i + 7), be16(b, i + 5));
      }
      i += 2 + be16(b, i + 2);
    }
    return null;
  }

  private static @Nullable ImageFacts webp(byte[] b) {
    if (ascii(b, 12, "VP8 ")) {
      return new ImageFacts("webp", "image/webp", le16(b, 26) & 0x3FFF, le16(b, 28) & 0x3FFF);
    }
    if (ascii(b, 12, "VP8L")) {
      int b1 = b[22] & 0xFF;
      int b2 = b[23] & 0xFF;
      int b3 = b[24] & 0xFF;
      int w = 1 + (((b1 & 0x3F) << 8) | (b[21] & 0xFF));
      int h = 1 + (((b3 & 0x0F) << 10) | (b2 << 2) | ((b1 & 0xC0) >> 6));
      return new ImageFacts("webp", "image/webp", w, h);
    }
    if (ascii(b, 12, "VP8X")) {
      return new ImageFacts("webp", "image/webp", 1 + le24(b, 24), 1 + le24(b, 27));
    }
    return null;
  }

  /** The first image file directory's ImageWidth (256) and ImageLength (257) tags. */
  private static @Nullable ImageFacts tiff(byte[] b) {
    boolean little = b[0] == 'I';
    int ifd = int32(b, 4, little);
    int entries = int16(b, ifd, little);
    int width = 0;
    int height = 0;
    for (int e = 0; e < entries; e++) {
      int at = ifd + 2 + e * 12;
      int tag = int16(b, at, little);
      int type = int16(b, at + 2, little);
      int value = type == 3 ? int16(b, at + 8, little) : int32(b, at + 8, little); // SHORT or LONG
      if (tag == 256) {
        width = value;
      } else if (tag == 257) {
        height = value;
      }
    }
    return new ImageFacts("tiff", "image/tiff", width, height);
  }

  /** The image spatial extents property ({@code ispe}) of the primary image. */
  private static @Nullable ImageFacts heic(byte[] b) {
    for (int i = 0; i + 16 <= b.length; i++) {
      if (ascii(b, i, "ispe")) {
        return new ImageFacts("heic", "image/heic", be32(b, i + 8), be32(b, i + 12));
      }
    }
    return null;
  }

  private static boolean starts(byte[] b, int at, int... expected) {
    if (b.length < at + expected.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      if ((b[at + i] & 0xFF) != expected[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean ascii(byte[] b, int at, String expected) {
    if (b.length < at + expected.length()) {
      return false;
    }
    for (int i = 0; i < expected.length(); i++) {
      if (b[at + i] != (byte) expected.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static int be16(byte[] b, int at) {
    return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
  }

  private static int be32(byte[] b, int at) {
    return ((b[at] & 0xFF) << 24)
        | ((b[at + 1] & 0xFF) << 16)
        | ((b[at + 2] & 0xFF) << 8)
        | (b[at + 3] & 0xFF);
  }

  private static int le16(byte[] b, int at) {
    return (b[at] & 0xFF) | ((b[at + 1] & 0xFF) << 8);
  }

  private static int le24(byte[] b, int at) {
    return le16(b, at) | ((b[at + 2] & 0xFF) << 16);
  }

  private static int le32(byte[] b, int at) {
    return le24(b, at) | ((b[at + 3] & 0xFF) << 24);
  }

  private static int int16(byte[] b, int at, boolean little) {
    return little ? le16(b, at) : be16(b, at);
  }

  private static int int32(byte[] b, int at, boolean little) {
    return little ? le32(b, at) : be32(b, at);
  }
}
