package io.opencardkit.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Answers and LLM-like token streams for tests. */
final class Texts {
  private Texts() {}

  /**
   * A markdown answer of about {@code lines} lines, mixing ASCII, CJK, emoji, quotes and a code
   * block.
   */
  static String answer(int lines) {
    StringBuilder text = new StringBuilder("# 回答 Answer\n\n");
    for (int i = 1; i <= lines; i++) {
      if (i % 10 == 0) {
        text.append("```java\nSystem.out.println(\"line ").append(i).append("\");\n```\n");
      } else if (i % 7 == 0) {
        text.append("| col | 值 |\n|---|---|\n| ").append(i).append(" | \"quoted\" \\ back |\n");
      } else {
        text.append("- 第 ").append(i).append(" 行: streaming text with emoji 🚀 and tab\tend\n");
      }
    }
    return text.toString();
  }

  /**
   * {@code text} cut into tokens of one to six characters (surrogate pairs kept whole),
   * deterministically.
   */
  static List<String> tokens(String text, long seed) {
    Random random = new Random(seed);
    List<String> tokens = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      int end = Math.min(text.length(), i + 1 + random.nextInt(6));
      if (end < text.length() && Character.isLowSurrogate(text.charAt(end))) {
        end++;
      }
      tokens.add(text.substring(i, end));
      i = end;
    }
    return tokens;
  }
}
