package io.opencardkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class JsonTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "plain ascii",
        "长文本",
        "é and ß",
        "emoji 😀 pair",
        "lone \uD83D surrogate",
        "quote \" and backslash \\",
        "lines\nand\ttabs\r\n",
        "\b\f",
        "\u0000\u0001\u001f control",
        "/ slash and \u007f delete",
      })
  void jsonStringUtf8Length_anyText_equalsWhatJacksonWritesBetweenTheQuotes(String text) {
    int written = Json.utf8Size(TextNode.valueOf(text)) - 2; // minus the two quotes

    assertThat(Json.jsonStringUtf8Length(text)).isEqualTo(written);
  }

  @org.junit.jupiter.api.Test
  void loneSurrogatePath_namesTheFirstStringOrFieldNameThatIsNotValidUnicode() {
    String high = String.valueOf((char) 0xD800);
    String low = String.valueOf((char) 0xDC00);

    assertThat(Json.loneSurrogatePath(Json.parseOrNull("{\"a\":[1,{\"b\":\"ok 😀\"}]}"))).isNull();
    assertThat(Json.loneSurrogatePath(TextNode.valueOf("x" + high + "y"))).isEmpty();
    assertThat(
            Json.loneSurrogatePath(
                Json.parseOrNull(
                    "{\"body\":{\"elements\":[{},{\"content\":\"x\\" + "ud800y\"}]}}")))
        .isEqualTo("body.elements[1].content");
    assertThat(Json.loneSurrogatePath(Json.parseOrNull("[[\"\\" + "udc00\"]]")))
        .isEqualTo("[0][0]");
    com.fasterxml.jackson.databind.node.ObjectNode key = Json.object();
    key.put("k" + low, 1);
    assertThat(Json.loneSurrogatePath(key)).isEqualTo("k" + low);
  }

  @org.junit.jupiter.api.Test
  void hasLoneSurrogate_acceptsPairsOnly() {
    assertThat(Json.hasLoneSurrogate("😀")).isFalse();
    assertThat(Json.hasLoneSurrogate("a" + (char) 0xD83D)).isTrue();
    assertThat(Json.hasLoneSurrogate((char) 0xDE00 + "a")).isTrue();
    assertThat(Json.hasLoneSurrogate("" + (char) 0xDE00 + (char) 0xD83D)).isTrue(); // reversed pair
  }
}
