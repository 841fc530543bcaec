package io.opencardkit.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The image frame's policy names exactly the image, and nothing that could end or widen the policy
 * gets in.
 */
final class ImageFrameTest {
  @Test
  void sourceExpression_isTheImagesOriginAndPath_withoutQuery() {
    assertThat(ImageFrame.sourceExpression("https://Img.Example.com/a/b.png?size=2&x=1"))
        .contains("https://img.example.com/a/b.png");
    assertThat(ImageFrame.sourceExpression("http://127.0.0.2:8081/pixel.png"))
        .contains("http://127.0.0.2:8081/pixel.png");
    assertThat(ImageFrame.sourceExpression("https://example.com")).contains("https://example.com/");
  }

  @Test
  void sourceExpression_refusesWhatIsNotAPlainHttpImageAddress() {
    for (String url :
        new String[] {
          null,
          "",
          "javascript:alert(1)",
          "data:image/png;base64,AAAA",
          "ftp://example.com/a.png",
          "https:///a.png",
          "https://user:pw@example.com/a.png",
          "https://example.com/a;script-src *.png",
          "https://example.com/a,b.png",
          "https://example.com/a'b.png",
          "https://example.com/*",
          "https://[::1]/a.png",
          "https://example.com/a b.png",
          "https://example.com/a.png#x",
          "https://*.example.com/a.png",
          "https://" + "a".repeat(2100) + ".com/x.png"
        }) {
      assertThat(ImageFrame.sourceExpression(url)).as(String.valueOf(url)).isEmpty();
    }
  }
}
