package io.opencardkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class JsonTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "", "plain ascii", "长文本", "é and ß", "emoji 😀 pair", "lone \uD83D surrogate", "quote \" and backslash \\",
        "lines\nand\ttabs\r\n", "\b\f", "\u0000\u0001\u001f control", "/ slash and \u007f delete",
      })
  void jsonStringUtf8Length_anyText_equalsWhatJacksonWritesBetweenTheQuotes(String text) {
    int written = Json.utf8Size(TextNode.valueOf(text)) - 2; // minus the two quotes

    assertThat(Json.jsonStringUtf8Length(text)).isEqualTo(written);
  }
}
