package io.opencardkit.demobot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The simulated model: a deterministic markdown answer, cut like LLM tokens, streamed at a fixed
 * rate.
 */
final class SimulatedModelTest {
  private final SimulatedModel model = new SimulatedModel(0);

  @Test
  void answer_isMarkdownWithHeadingsListsCodeAndATable() {
    String answer = model.answer("什么是流式卡片？");
    assertThat(answer).startsWith("## 关于「什么是流式卡片？」\n");
    assertThat(answer)
        .contains(
            "\n### 要点\n",
            "\n- ",
            "\n1. ",
            "\n```java\n",
            "\n```\n",
            "| 方式 | 效果 | 频率限制 |\n|---|---|---|\n");
  }

  @Test
  void answer_isTheSameForTheSamePrompt_andNamesTheTopic() {
    assertThat(model.answer("hello")).isEqualTo(new SimulatedModel(60).answer("hello"));
    assertThat(model.answer("other topic"))
        .contains("「other topic」")
        .isNotEqualTo(model.answer("hello"));
    assertThat(model.answer("   ")).contains("「你好」");
  }

  @Test
  void tokens_concatenateToTheAnswer_andAreTokenSized() {
    String prompt = "Explain streaming cards";
    List<String> tokens = model.tokens(prompt);
    assertThat(String.join("", tokens)).isEqualTo(model.answer(prompt));
    assertThat(tokens.size()).isGreaterThan(300);
    assertThat(tokens).allSatisfy(t -> assertThat(t.length()).isBetween(1, 16));
    // markdown markers stay whole, as a tokenizer keeps them
    assertThat(tokens).contains("##", "###", "```", "\n", " streams");
  }

  @Test
  void stream_deliversTokensAtTheConfiguredRate() throws Exception {
    AtomicLong now = new AtomicLong(1_000);
    List<Long> deadlines = new ArrayList<>();
    SimulatedModel paced =
        new SimulatedModel(
            SimulatedModel.DEFAULT_TOKENS_PER_SECOND,
            now::get,
            deadline -> {
              deadlines.add(deadline);
              now.set(deadline); // the fake clock jumps to each deadline, as a sleep would
            });
    StringBuilder received = new StringBuilder();

    paced.stream("rate", received::append);

    List<String> tokens = paced.tokens("rate");
    assertThat(received.toString()).isEqualTo(paced.answer("rate"));
    // the first token at once, token i at start + i/60 s: the whole answer takes (n - 1)/60 seconds
    assertThat(deadlines).hasSize(tokens.size() - 1);
    assertThat(deadlines.get(0)).isEqualTo(1_000 + 1_000_000_000L / 60);
    assertThat(deadlines.get(deadlines.size() - 1))
        .isEqualTo(1_000 + (tokens.size() - 1) * 1_000_000_000L / 60);
  }

  @Test
  void stream_atZeroTokensPerSecond_neverWaits() throws Exception {
    SimulatedModel unpaced =
        new SimulatedModel(
            0,
            () -> 0,
            deadline -> {
              throw new AssertionError("waited");
            });
    StringBuilder received = new StringBuilder();
    unpaced.stream("fast", received::append);
    assertThat(received.toString()).isEqualTo(unpaced.answer("fast"));
  }

  @Test
  void stream_interrupted_stopsWithInterruptedException() {
    SimulatedModel interrupted =
        new SimulatedModel(
            60,
            () -> 0,
            deadline -> {
              throw new InterruptedException();
            });
    StringBuilder received = new StringBuilder();
    assertThatThrownBy(() -> interrupted.stream("stop", received::append))
        .isInstanceOf(InterruptedException.class);
    assertThat(received.toString()).isEqualTo(interrupted.tokens("stop").get(0));
  }

  @Test
  void negativeRate_isRefused() {
    assertThatThrownBy(() -> new SimulatedModel(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
  }
}
