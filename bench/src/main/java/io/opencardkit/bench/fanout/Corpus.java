package io.opencardkit.bench.fanout;

/**
 * The text the bots stream: an LLM-like answer that mixes English, Chinese and Markdown (so UTF-8 sizes are not all
 * one byte per character), repeated. Only characters of the Basic Multilingual Plane, so a chunk never splits a
 * surrogate pair.
 */
final class Corpus {
  private static final String TEXT =
      "## 回答\n\nStreaming cards let a bot show an answer while the model is still writing it. "
          + "机器人每次发送到目前为止的完整文本，服务器计算出新增的部分，只把增量推送给浏览器。"
          + "A typical reply has a few paragraphs, a list and sometimes a table:\n\n"
          + "- **Latency**: the time from the API call to the frame in the page.\n"
          + "- **Throughput**: frames delivered per second to all viewers.\n"
          + "- **流量**：发给每个浏览器的字节数与追加文本字节数之比。\n\n"
          + "| 指标 | 目标 |\n|---|---|\n| p99 | ≤ 100 ms |\n| frames/s | ≥ 25,000 |\n\n"
          + "如果某个浏览器太慢，服务器会跳过增量，等它的写队列排空后再发送一个快照，这样页面永远不会看到缺口。"
          + "Code blocks appear too: `curl -X PUT $BASE/open-apis/cardkit/v1/cards/$CARD/elements/md/content`.\n\n";

  private Corpus() {}

  /** {@code chars} characters starting at {@code position} (wrapping around). */
  static String chunk(long position, int chars) {
    StringBuilder out = new StringBuilder(chars);
    int at = (int) (position % TEXT.length());
    while (out.length() < chars) {
      int take = Math.min(chars - out.length(), TEXT.length() - at);
      out.append(TEXT, at, at + take);
      at = 0;
    }
    return out.toString();
  }

  /** UTF-8 size of a string. */
  static int utf8(CharSequence s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
    }
    return n;
  }
}
