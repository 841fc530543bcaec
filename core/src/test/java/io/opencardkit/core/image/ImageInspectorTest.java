package io.opencardkit.core.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.core.ApiException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class ImageInspectorTest {
  @ParameterizedTest
  @ValueSource(strings = {"png", "jpeg", "gif", "bmp", "tiff"})
  void inspect_imagesWrittenByImageIo_sizeAndTypeRead(String format) throws IOException {
    ImageFacts facts = ImageInspector.inspect(encode(format, 37, 21), false);

    assertThat(facts.format()).isEqualTo(format);
    assertThat(facts.mimeType()).isEqualTo("image/" + format);
    assertThat(facts.width()).isEqualTo(37);
    assertThat(facts.height()).isEqualTo(21);
  }

  @Test
  void inspect_webpIcoHeicHeaders_sizeRead() {
    byte[] webp = new byte[40];
    put(webp, 0, "RIFF");
    put(webp, 8, "WEBPVP8X");
    webp[24] = (byte) 99; // width - 1, 24-bit little endian
    webp[27] = (byte) 49;
    assertThat(ImageInspector.inspect(webp, false))
        .isEqualTo(new ImageFacts("webp", "image/webp", 100, 50));

    byte[] ico = {0, 0, 1, 0, 1, 0, 0, 32, 0, 0, 0, 0, 0, 0, 0, 0};
    assertThat(ImageInspector.inspect(ico, false))
        .isEqualTo(new ImageFacts("ico", "image/x-icon", 256, 32));

    byte[] heic = new byte[64];
    put(heic, 4, "ftypheic");
    put(heic, 40, "ispe");
    heic[48 + 2] = 0x0F; // width 0x0FA0 = 4000
    heic[48 + 3] = (byte) 0xA0;
    heic[52 + 2] = 0x0B; // height 0x0BB8 = 3000
    heic[52 + 3] = (byte) 0xB8;
    assertThat(ImageInspector.inspect(heic, false))
        .isEqualTo(new ImageFacts("heic", "image/heic", 4000, 3000));
  }

  @Test
  void inspect_refusals_carryFeishusCodes() throws IOException {
    assertThat(code(new byte[0], false)).as("empty").isEqualTo(234010);
    assertThat(code(new byte[ImageInspector.MAX_BYTES + 1], false))
        .as("over 10 MB")
        .isEqualTo(234006);
    assertThat(
            code(
                "<svg xmlns='http://www.w3.org/2000/svg'/>".getBytes(StandardCharsets.UTF_8),
                false))
        .as("SVG is no accepted format")
        .isEqualTo(234011);
    assertThat(code(Arrays.copyOf(encode("png", 10, 10), 12), false))
        .as("a PNG cut inside its header")
        .isEqualTo(234011);
    assertThat(code(encode("gif", 2001, 1), false)).as("GIF wider than 2000").isEqualTo(234039);
    assertThat(code(encode("png", 4097, 1), true)).as("avatar wider than 4096").isEqualTo(234039);
    assertThat(ImageInspector.inspect(encode("png", 4097, 1), false).width())
        .as("the same PNG as a message image")
        .isEqualTo(4097);
  }

  @Test
  void inspect_pngHeaderClaimingMoreThan12000Pixels_isRefusedWithoutDecoding() {
    byte[] png = new byte[33];
    int[] signature = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    for (int i = 0; i < signature.length; i++) {
      png[i] = (byte) signature[i];
    }
    put(png, 12, "IHDR");
    png[16 + 2] = (byte) 0x2E; // width 12001 = 0x2EE1
    png[16 + 3] = (byte) 0xE1;
    png[20 + 3] = 1;

    assertThat(code(png, false)).isEqualTo(234039);
  }

  private static int code(byte[] bytes, boolean avatar) {
    try {
      ImageInspector.inspect(bytes, avatar);
    } catch (ApiException e) {
      return e.code().code();
    }
    throw new AssertionError("accepted");
  }

  static byte[] encode(String format, int width, int height) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(ImageIO.write(image, format, out)).as("ImageIO writes " + format).isTrue();
    return out.toByteArray();
  }

  private static void put(byte[] b, int at, String ascii) {
    byte[] bytes = ascii.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(bytes, 0, b, at, bytes.length);
  }
}
