package io.opencardkit.client;

/**
 * Where to cut text that does not fit one card: as late as the byte budget allows, preferably after
 * a blank line or a line end, never inside a surrogate pair, and before a code fence that would
 * otherwise be cut in two.
 */
final class TextSplitter {
  /** How far back from the limit a nicer break is looked for, as a fraction of the limit. */
  private static final int LOOKBACK_DIVISOR = 4;

  private TextSplitter() {}

  /**
   * The length of the longest prefix of {@code text} whose JSON-escaped UTF-8 size is at most
   * {@code budgetBytes}.
   */
  static int longestPrefixWithin(String text, int budgetBytes) {
    int used = 0;
    int i = 0;
    while (i < text.length()) {
      int width =
          Character.isHighSurrogate(text.charAt(i))
                  && i + 1 < text.length()
                  && Character.isLowSurrogate(text.charAt(i + 1))
              ? 2
              : 1;
      int bytes = width == 2 ? 2 * CardJson.charBytes(text, i) : CardJson.charBytes(text, i);
      if (used + bytes > budgetBytes) {
        break;
      }
      used += bytes;
      i += width;
    }
    return i;
  }

  /**
   * A cut point in {@code [min, limit]}: the latest blank line within the look-back window, else
   * the latest line end, else the latest space, else {@code limit} itself. If the text before the
   * cut opens a code fence it does not close, and the fence starts inside the window, the cut moves
   * to just before the fence.
   */
  static int cut(String text, int limit, int min) {
    if (limit >= text.length()) {
      return text.length();
    }
    int floor = Math.max(min, limit - Math.max(1, limit / LOOKBACK_DIVISOR));
    int cut = latestBreak(text, limit, floor);
    int fence = unclosedFenceStart(text, cut);
    if (fence > floor && fence > 0) {
      cut = fence;
    }
    if (cut > min
        && cut < text.length()
        && Character.isLowSurrogate(text.charAt(cut))
        && Character.isHighSurrogate(text.charAt(cut - 1))) {
      cut--;
    }
    return Math.max(cut, min);
  }

  private static int latestBreak(String text, int limit, int floor) {
    int blank = text.lastIndexOf("\n\n", limit - 2);
    if (blank >= 0 && blank + 2 > floor) {
      return blank + 2;
    }
    int line = text.lastIndexOf('\n', limit - 1);
    if (line >= 0 && line + 1 > floor) {
      return line + 1;
    }
    int space = text.lastIndexOf(' ', limit - 1);
    if (space >= 0 && space + 1 > floor) {
      return space + 1;
    }
    return limit;
  }

  /**
   * The start of the last line opening a ``` fence before {@code end} that is not closed before it,
   * or -1.
   */
  private static int unclosedFenceStart(String text, int end) {
    int open = -1;
    int lineStart = 0;
    while (lineStart < end) {
      int lineEnd = text.indexOf('\n', lineStart);
      if (lineEnd < 0 || lineEnd > end) {
        lineEnd = end;
      }
      if (text.startsWith("```", lineStart)
          || text.startsWith("```", firstNonSpace(text, lineStart, lineEnd))) {
        open = open < 0 ? lineStart : -1;
      }
      lineStart = lineEnd + 1;
    }
    return open;
  }

  private static int firstNonSpace(String text, int from, int to) {
    int i = from;
    while (i < to && text.charAt(i) == ' ') {
      i++;
    }
    return i;
  }
}
