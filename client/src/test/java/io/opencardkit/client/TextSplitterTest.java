package io.opencardkit.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.core.Json;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Where text is cut between cards, and how its size is measured. */
final class TextSplitterTest {
  @Test
  void textBytes_matchesOpenCardKitsMeasureOfTheCardLimit() {
    Random random = new Random(42);
    String alphabet = "aZ \"\\\n\t\r\u0001\u001f中文é🚀😀/<>&'=";
    for (int n = 0; n < 200; n++) {
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < random.nextInt(200); i++) {
        int at = random.nextInt(alphabet.length());
        char c = alphabet.charAt(at);
        text.append(c);
        if (Character.isHighSurrogate(c)) {
          text.append(alphabet.charAt(at + 1));
        }
      }
      assertThat(CardJson.textBytes(text))
          .as("%s", text)
          .isEqualTo(Json.jsonStringUtf8Length(text));
    }
  }

  @Test
  void longestPrefixWithin_neverSplitsASurrogatePair() {
    String text = "ab🚀cd";
    // 'a' 'b' then the emoji (12 bytes as OpenCardKit writes it): 13 bytes are not enough for it
    assertThat(TextSplitter.longestPrefixWithin(text, 13)).isEqualTo(2);
    assertThat(TextSplitter.longestPrefixWithin(text, 14)).isEqualTo(4);
    assertThat(TextSplitter.longestPrefixWithin(text, 1000)).isEqualTo(text.length());
  }

  @Test
  void cut_prefersABlankLine_thenALineEnd_thenASpace_withinTheLastQuarter() {
    String head = "w ".repeat(100) + "\n";
    String paragraphs = head + "one two\n\nthree four\nfive six seven";
    assertThat(TextSplitter.cut(paragraphs, paragraphs.length() - 1, 0))
        .isEqualTo(paragraphs.indexOf("three"));
    String lines = head + "aaaa\nbbbb\ncccc dddd";
    assertThat(TextSplitter.cut(lines, lines.length() - 1, 0)).isEqualTo(lines.indexOf("cccc"));
    String words = "w".repeat(100) + " aaaa bbbb cccc";
    assertThat(TextSplitter.cut(words, words.length() - 1, 0)).isEqualTo(words.indexOf("cccc"));
    String word = "abcdefghij";
    assertThat(TextSplitter.cut(word, 7, 0)).isEqualTo(7);
    // a break further back than a quarter of the limit is not worth the wasted space: cut at the
    // limit
    String early = "ab\n" + "c".repeat(100);
    assertThat(TextSplitter.cut(early, 90, 0)).isEqualTo(90);
  }

  @Test
  void cut_movesBeforeACodeFenceItWouldCutInTwo() {
    String text = "x".repeat(200) + "\n```java\nint a = 1;\nint b = 2;\n```\nafter\n";
    int insideFence = text.indexOf("int b");
    assertThat(TextSplitter.cut(text, insideFence, 0)).isEqualTo(text.indexOf("```java"));
  }

  @Test
  void cut_neverGoesBelowTheMinimum() {
    String text = "aaaa\nbbbbbbbbbbbbbbbbbbbb";
    assertThat(TextSplitter.cut(text, 20, 10)).isEqualTo(20);
  }

  @Test
  void preview_isTheFirstLineWithoutMarkdown() {
    assertThat(CardJson.preview("\n\n## **Streaming** cards\nbody", 60))
        .isEqualTo("Streaming cards");
    assertThat(CardJson.preview("- `item` one", 60)).isEqualTo("item one");
    assertThat(CardJson.preview("1. first", 60)).isEqualTo("first");
    assertThat(CardJson.preview("x".repeat(100), 10)).isEqualTo("xxxxxxxxx…");
    assertThat(CardJson.preview("   \n", 10)).isEmpty();
  }
}
