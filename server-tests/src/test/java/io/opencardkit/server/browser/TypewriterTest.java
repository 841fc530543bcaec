package io.opencardkit.server.browser;

import com.microsoft.playwright.Page;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** typewriter.js on a fake scheduler: strategies, at-once cases, grapheme clusters, per-platform parameters. */
final class TypewriterTest extends HarnessTest {
  /** Runs {@code body} with {@code tw} (a Typewriter on a manual clock), {@code clock} and {@code P} (70 ms/1/fast). */
  @SuppressWarnings("unchecked")
  private Map<String, Object> run(String body) {
    return (Map<String, Object>)
        page.evaluate(
            "() => { const { Typewriter, manualScheduler, streamingParams, graphemeCount } = window.ock.typewriter;"
                + " const clock = manualScheduler(); const frames = [];"
                + " const tw = new Typewriter({ scheduler: clock, onChange: (id, text) => { if (frames[frames.length - 1] !== text) frames.push(text); } });"
                + " const P = { streaming: true, frequencyMs: 70, step: 1, strategy: 'fast' };"
                + body
                + " }");
  }

  @Test
  void push_fastWhileTyping_showsOldRemainderAtOnceThenTypesNewText() {
    Map<String, Object> r =
        run(
            "tw.set('m', ''); tw.push('m', 'ABCDE', P); clock.advance(210);"
                + " const before = tw.visible('m');"
                + " tw.push('m', 'ABCDEFGH', P); const atOnce = tw.visible('m');"
                + " const ticks = []; for (let i = 0; i < 4; i++) { clock.advance(70); ticks.push(tw.visible('m')); }"
                + " return { before, atOnce, ticks };");
    // The ABCDE example: ABC is on screen when ABCDEFGH arrives.
    assertThat(r.get("before")).isEqualTo("ABC");
    assertThat(r.get("atOnce")).isEqualTo("ABCDE");
    assertThat(r.get("ticks")).isEqualTo(List.of("ABCDEF", "ABCDEFG", "ABCDEFGH", "ABCDEFGH"));
  }

  @Test
  void push_delayWhileTyping_keepsTypingThroughOldRemainderAtTheSamePace() {
    Map<String, Object> r =
        run(
            "const D = { ...P, strategy: 'delay' };"
                + " tw.set('m', ''); tw.push('m', 'ABCDE', D); clock.advance(210);"
                + " const before = tw.visible('m');"
                + " tw.push('m', 'ABCDEFGH', D); const atOnce = tw.visible('m');"
                + " const ticks = []; for (let i = 0; i < 6; i++) { clock.advance(70); ticks.push(tw.visible('m')); }"
                + " return { before, atOnce, ticks };");
    assertThat(r.get("before")).isEqualTo("ABC");
    assertThat(r.get("atOnce")).isEqualTo("ABC");
    assertThat(r.get("ticks")).isEqualTo(List.of("ABCD", "ABCDE", "ABCDEF", "ABCDEFG", "ABCDEFGH", "ABCDEFGH"));
  }

  @Test
  void push_textNotExtendingThePushedOne_appearsAtOnce() {
    Map<String, Object> r =
        run(
            "tw.set('m', ''); tw.push('m', 'ABCDE', P); clock.advance(140);"
                + " tw.push('m', 'ABXYZ', P);"
                + " return { now: tw.visible('m'), typing: tw.typing('m'), timers: clock.pending() };");
    assertThat(r.get("now")).isEqualTo("ABXYZ");
    assertThat(r.get("typing")).isEqualTo(false);
    assertThat(r.get("timers")).isEqualTo(0);
  }

  @Test
  void push_streamingOff_appearsAtOnce() {
    Map<String, Object> r =
        run(
            "tw.set('m', 'Hello'); tw.push('m', 'Hello, world', { ...P, streaming: false });"
                + " return { now: tw.visible('m'), typing: tw.typing('m') };");
    assertThat(r.get("now")).isEqualTo("Hello, world");
    assertThat(r.get("typing")).isEqualTo(false);
  }

  @Test
  void tick_emojiSequenceAndCombiningMark_areNeverSplit() {
    // 👨‍👩‍👧 is 5 code points (8 UTF-16 units) and one grapheme; "é" here is e + U+0301.
    Map<String, Object> r =
        run(
            "const text = 'a\\u{1F468}\\u200D\\u{1F469}\\u200D\\u{1F467}be\\u0301c\\u{1F1EF}\\u{1F1F5}';"
                + " tw.set('m', ''); tw.push('m', text, P);"
                + " for (let i = 0; i < 10; i++) clock.advance(70);"
                + " return { frames, count: graphemeCount(text), text };");
    @SuppressWarnings("unchecked")
    List<String> frames = (List<String>) r.get("frames");
    String text = (String) r.get("text");
    assertThat(r.get("count")).isEqualTo(6);
    // Each distinct frame ends on a whole cluster: one more grapheme per tick.
    assertThat(frames)
        .containsExactly(
            "",
            "a",
            "a\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67",
            "a\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67b",
            "a\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67be\u0301",
            "a\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67be\u0301c",
            text);
  }

  @Test
  void push_combiningMarkExtendsShownLetter_neverShowsTheLetterWithoutIt() {
    // The old text ends in "e"; the new one adds U+0301 to it, so the last visible cluster grows.
    Map<String, Object> r =
        run(
            "const D = { ...P, strategy: 'delay' }; tw.set('m', 'caf'); tw.push('m', 'cafe', D); clock.advance(70);"
                + " tw.push('m', 'cafe\\u0301!', D); const now = tw.visible('m'); clock.advance(70);"
                + " return { now, next: tw.visible('m') };");
    assertThat(r.get("now")).isEqualTo("cafe\u0301");
    assertThat(r.get("next")).isEqualTo("cafe\u0301!");
  }

  @Test
  void tick_step3Frequency30_revealsThreeGraphemesEvery30ms() {
    Map<String, Object> r =
        run(
            "const F = { ...P, frequencyMs: 30, step: 3 }; tw.set('m', ''); tw.push('m', 'abcdefgh', F);"
                + " clock.advance(29); const early = tw.visible('m');"
                + " clock.advance(1); const first = tw.visible('m');"
                + " clock.advance(30); const second = tw.visible('m');"
                + " clock.advance(30); return { early, first, second, third: tw.visible('m') };");
    assertThat(r.get("early")).isEqualTo("");
    assertThat(r.get("first")).isEqualTo("abc");
    assertThat(r.get("second")).isEqualTo("abcdef");
    assertThat(r.get("third")).isEqualTo("abcdefgh");
  }

  @Test
  void streamingParams_platformEntryElseDefaultElseDocumentedDefaults() {
    Map<String, Object> r =
        run(
            "const card = { config: { streaming_mode: true, streaming_config: {"
                + " print_frequency_ms: { default: 30, ios: 40, pc: 50 }, print_step: { default: 2, android: 3 },"
                + " print_strategy: 'delay' } } };"
                + " return { pc: streamingParams(card, 'pc'), ios: streamingParams(card, 'ios'),"
                + " android: streamingParams(card, 'android'), legacy: streamingParams(card, 'pc', 'legacy'),"
                + " bare: streamingParams({ config: { streaming_mode: true } }, 'pc'), off: streamingParams({}, 'pc') };");
    assertThat(r.get("pc")).isEqualTo(Map.of("streaming", true, "frequencyMs", 50, "step", 2, "strategy", "delay"));
    assertThat(r.get("ios")).isEqualTo(Map.of("streaming", true, "frequencyMs", 40, "step", 2, "strategy", "delay"));
    assertThat(r.get("android")).isEqualTo(Map.of("streaming", true, "frequencyMs", 30, "step", 3, "strategy", "delay"));
    // 7.20–7.22 clients ignore streaming_config and use 70 ms, 1 character, fast.
    assertThat(r.get("legacy")).isEqualTo(Map.of("streaming", true, "frequencyMs", 70, "step", 1, "strategy", "fast"));
    assertThat(r.get("bare")).isEqualTo(Map.of("streaming", true, "frequencyMs", 70, "step", 1, "strategy", "fast"));
    assertThat(r.get("off")).isEqualTo(Map.of("streaming", false, "frequencyMs", 70, "step", 1, "strategy", "fast"));
  }

  @Test
  void realScheduler_fiftyCharactersAt70msStep1_takeAtLeastThreeSeconds() {
    // Real time on purpose: the pace is what a user sees. 50 steps of 70 ms are 3.5 s.
    page.evaluate(
        "() => { const { Typewriter } = window.ock.typewriter;"
            + " window.paceStart = performance.now();"
            + " const tw = new Typewriter({ onChange: (id, text) => { if (text.length === 50) window.paceMs = performance.now() - window.paceStart; } });"
            + " tw.set('m', ''); tw.push('m', 'x'.repeat(50), { streaming: true, frequencyMs: 70, step: 1, strategy: 'fast' }); }");
    page.waitForFunction("() => window.paceMs !== undefined", null, new Page.WaitForFunctionOptions().setTimeout(15_000));
    double ms = ((Number) page.evaluate("() => window.paceMs")).doubleValue();
    assertThat(ms).isBetween(3_200.0, 10_000.0);
  }
}
