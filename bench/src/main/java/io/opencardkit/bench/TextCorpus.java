package io.opencardkit.bench;

import java.util.Random;

/**
 * LLM-like Markdown answer text that streams cut into chunks of a few characters (about one token
 * each). Fixed seed, so every run sends the same bytes. Mostly English words with paragraphs,
 * bullet lists, bold, inline code, quotes and some Chinese, so the JSON bodies need escaping and
 * are partly multi-byte, as real answers are.
 */
public final class TextCorpus {
  private static final String[] WORDS = {
    "the",
    "card",
    "stream",
    "server",
    "update",
    "answer",
    "model",
    "token",
    "and",
    "of",
    "to",
    "a",
    "in",
    "is",
    "that",
    "for",
    "it",
    "with",
    "as",
    "on",
    "this",
    "be",
    "are",
    "you",
    "can",
    "we",
    "will",
    "from",
    "by",
    "or",
    "an",
    "not",
    "which",
    "when",
    "your",
    "request",
    "response",
    "latency",
    "durable",
    "commit",
    "batch",
    "element",
    "markdown",
    "content",
    "sequence",
    "bot",
    "chat",
    "message",
    "user",
    "text",
    "first",
    "then",
    "after",
    "before",
    "because",
    "however",
    "example",
    "function",
    "value",
    "result",
    "error",
    "retry",
    "should",
    "would",
    "could",
    "每个",
    "卡片",
    "流式",
    "更新",
    "消息",
    "服务器",
    "延迟",
    "configuration",
    "performance",
    "throughput",
    "percentile",
    "database",
  };

  private final String text;

  private TextCorpus(String text) {
    this.text = text;
  }

  /** About {@code chars} characters of generated answer text. */
  public static TextCorpus generate(int chars) {
    Random random = new Random(20261101L);
    StringBuilder b = new StringBuilder(chars + 200);
    while (b.length() < chars) {
      int kind = random.nextInt(10);
      if (kind == 0) {
        b.append("\n\n**").append(word(random)).append(' ').append(word(random)).append("**\n\n");
      } else if (kind == 1) {
        for (int i = 0, n = 2 + random.nextInt(3); i < n; i++) {
          b.append("\n- ");
          sentence(random, b);
        }
        b.append("\n\n");
      } else {
        sentence(random, b);
        b.append(' ');
      }
    }
    return new TextCorpus(b.toString());
  }

  private static String word(Random random) {
    return WORDS[random.nextInt(WORDS.length)];
  }

  private static void sentence(Random random, StringBuilder b) {
    String first = word(random);
    b.append(Character.toUpperCase(first.charAt(0))).append(first, 1, first.length());
    for (int i = 0, n = 5 + random.nextInt(12); i < n; i++) {
      b.append(' ');
      int style = random.nextInt(30);
      if (style == 0) {
        b.append('`').append(word(random)).append("()`");
      } else if (style == 1) {
        b.append('"').append(word(random)).append('"');
      } else {
        b.append(word(random));
      }
    }
    b.append(random.nextInt(8) == 0 ? '?' : '.');
  }

  int length() {
    return text.length();
  }

  /** {@code length} characters starting at {@code from}, wrapping around at the end. */
  String chunk(int from, int length) {
    int start = Math.floorMod(from, text.length());
    int end = start + length;
    if (end <= text.length()) {
      return text.substring(start, end);
    }
    return text.substring(start) + text.substring(0, end - text.length());
  }

  /** Appends {@code s} as the inside of a JSON string literal. */
  static void appendJsonEscaped(StringBuilder out, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        default:
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
      }
    }
  }
}
