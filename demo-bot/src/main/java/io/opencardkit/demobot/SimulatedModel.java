package io.opencardkit.demobot;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A stand-in for a language model: a deterministic markdown answer (headings, lists, a code block
 * and a table) to any prompt, cut into token-sized chunks and delivered at a fixed rate, as an LLM
 * streams its output.
 */
public final class SimulatedModel {
  /** The default rate: about what a fast hosted model streams. */
  public static final int DEFAULT_TOKENS_PER_SECOND = 60;

  private static final String[] TIPS = {
    "流式期间不受每秒 10 次的频率限制，但每张卡片的流式模式最多开启 10 分钟。",
    "同一张卡片的所有操作共用一个严格递增的 `sequence`，被拒绝的请求不会消耗它。",
    "用相同的 `uuid` 重试同一个请求是安全的：服务端只执行一次。",
  };

  /** Sleeps until a point in time given in nanoseconds of {@code System.nanoTime()}'s scale. */
  @FunctionalInterface
  interface Pacer {
    void awaitNanos(long deadline) throws InterruptedException;
  }

  private final int tokensPerSecond;
  private final java.util.function.LongSupplier nanoTime;
  private final Pacer pacer;

  /**
   * A model that streams {@code tokensPerSecond} tokens per second (0: as fast as the consumer
   * takes them).
   *
   * @throws IllegalArgumentException if {@code tokensPerSecond} is negative
   */
  public SimulatedModel(int tokensPerSecond) {
    this(tokensPerSecond, System::nanoTime, SimulatedModel::sleepUntil);
  }

  SimulatedModel(int tokensPerSecond, java.util.function.LongSupplier nanoTime, Pacer pacer) {
    if (tokensPerSecond < 0) {
      throw new IllegalArgumentException("tokensPerSecond cannot be negative: " + tokensPerSecond);
    }
    this.tokensPerSecond = tokensPerSecond;
    this.nanoTime = nanoTime;
    this.pacer = pacer;
  }

  /** The answer to {@code prompt}: always the same for the same prompt. */
  public String answer(String prompt) {
    String topic = prompt.strip().isEmpty() ? "你好" : prompt.strip();
    String tip = TIPS[Math.floorMod(topic.hashCode(), TIPS.length)];
    return "## 关于「"
        + topic
        + "」\n\n"
        + "这是 OpenCardKit 内置的**模拟语言模型**给出的演示回答：文字像大模型输出一样逐字出现，"
        + "结束后卡片关闭流式模式，并在下方附上反馈按钮。\n\n"
        + "### 要点\n\n"
        + "- 流式更新由辅助库合并，每秒最多 10 次\n"
        + "- 结束时关闭流式模式，会话列表显示摘要，而不是「[生成中...]」\n"
        + "- 超过 10 分钟或 30 KB 的回答会在新卡片中继续\n\n"
        + "### 步骤\n\n"
        + "1. 创建卡片实体并开启 `streaming_mode`\n"
        + "2. 发送卡片，随后不断调用流式更新文本接口\n"
        + "3. 关闭流式模式，追加反馈组件\n\n"
        + "### 示例代码\n\n"
        + "```java\n"
        + "CardStream answer = streams.open(Target.reply(messageId));\n"
        + "model.stream(prompt, answer::append);\n"
        + "answer.finish(\"演示回答\", feedbackButtons);\n"
        + "```\n\n"
        + "### 对比\n\n"
        + "| 方式 | 效果 | 频率限制 |\n"
        + "|---|---|---|\n"
        + "| 流式更新文本 | 打字机效果 | 流式期间不限 |\n"
        + "| 全量更新卡片 | 整块跳动 | 每秒 10 次 |\n\n"
        + "> 小贴士："
        + tip
        + "\n";
  }

  /**
   * The answer cut like LLM output: a word with its leading space, one or two CJK characters, a run
   * of the same punctuation (so {@code ##} or a code fence stays whole), a line break.
   */
  public List<String> tokens(String prompt) {
    return tokenize(answer(prompt));
  }

  /**
   * Streams the answer to {@code prompt} into {@code sink}, token by token, at the model's rate.
   *
   * @throws InterruptedException if the thread is interrupted while waiting for the next token
   */
  public void stream(String prompt, Consumer<String> sink) throws InterruptedException {
    List<String> tokens = tokens(prompt);
    long start = nanoTime.getAsLong();
    for (int i = 0; i < tokens.size(); i++) {
      if (tokensPerSecond > 0 && i > 0) {
        pacer.awaitNanos(start + i * 1_000_000_000L / tokensPerSecond);
      }
      sink.accept(tokens.get(i));
    }
  }

  static List<String> tokenize(String text) {
    List<String> tokens = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      int start = i;
      char c = text.charAt(i);
      if (c == '\n') {
        i++;
      } else if (isCjk(c)) {
        i += i + 1 < text.length() && isCjk(text.charAt(i + 1)) && (start % 3 != 0) ? 2 : 1;
      } else if (Character.isLetterOrDigit(c)
          || (c == ' ' && i + 1 < text.length() && Character.isLetterOrDigit(text.charAt(i + 1)))) {
        i++;
        while (i < text.length()
            && Character.isLetterOrDigit(text.charAt(i))
            && !isCjk(text.charAt(i))) {
          i++;
        }
      } else {
        i++;
        while (i < text.length() && text.charAt(i) == c && c != ' ') {
          i++;
        }
      }
      tokens.add(text.substring(start, i));
    }
    return tokens;
  }

  private static boolean isCjk(char c) {
    Character.UnicodeScript script = Character.UnicodeScript.of(c);
    return script == Character.UnicodeScript.HAN
        || (c >= '\u3000' && c <= '\u303f')
        || (c >= '\uff00' && c <= '\uffef');
  }

  private static void sleepUntil(long deadline) throws InterruptedException {
    long wait = deadline - System.nanoTime();
    if (wait > 0) {
      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
    }
  }
}
