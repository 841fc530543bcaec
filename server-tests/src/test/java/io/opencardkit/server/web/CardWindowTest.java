package io.opencardkit.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencardkit.server.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

final class CardWindowTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T08:00:00Z"));

  private CardWindow window(int maxEvents, long maxChars) {
    return new CardWindow(
        "c", "oc_1", clock, maxEvents, Duration.ofMinutes(2).toMillis(), maxChars);
  }

  private static List<Long> versions(List<CardWindow.Entry> entries) {
    return entries.stream().map(CardWindow.Entry::version).toList();
  }

  @Test
  void after_versionInsideWindow_returnsExactlyTheLaterFrames() {
    CardWindow window = window(300, 1_000_000);
    for (long v = 1; v <= 10; v++) {
      window.append(v, OutFrame.of("f" + v));
    }

    assertThat(window.after(6))
        .hasValueSatisfying(e -> assertThat(versions(e)).containsExactly(7L, 8L, 9L, 10L));
    assertThat(window.after(6).orElseThrow().get(0).frame().text()).isEqualTo("f7");
  }

  @Test
  void after_latestVersion_returnsNothingMissing() {
    CardWindow window = window(300, 1_000_000);
    window.append(1, OutFrame.of("f1"));

    assertThat(window.after(1)).hasValueSatisfying(e -> assertThat(e).isEmpty());
  }

  @Test
  void after_olderThanTheEventBound_isNotCovered() {
    CardWindow window = window(300, 1_000_000);
    for (long v = 1; v <= 400; v++) {
      window.append(v, OutFrame.of("f"));
    }

    // Versions 101..400 are kept: a page holding 100 needs exactly those, one holding 99 has lost
    // version 100.
    assertThat(window.after(100)).hasValueSatisfying(e -> assertThat(e).hasSize(300));
    assertThat(window.after(99)).isEmpty();
  }

  @Test
  void after_framesOlderThanTwoMinutes_areNotCovered() {
    CardWindow window = window(300, 1_000_000);
    window.append(1, OutFrame.of("f1"));
    window.append(2, OutFrame.of("f2"));
    clock.advance(Duration.ofSeconds(90));
    window.append(3, OutFrame.of("f3"));
    clock.advance(Duration.ofSeconds(30));

    // f1 and f2 are now two minutes old, f3 half a minute: a page at 2 gets f3, one at 1 a
    // snapshot.
    assertThat(window.after(2))
        .hasValueSatisfying(e -> assertThat(versions(e)).containsExactly(3L));
    assertThat(window.after(1)).isEmpty();
  }

  @Test
  void after_allFramesExpired_latestVersionStillNeedsNothing() {
    CardWindow window = window(300, 1_000_000);
    window.append(5, OutFrame.of("f5"));
    clock.advance(Duration.ofMinutes(3));

    assertThat(window.size()).isZero();
    assertThat(window.after(5)).hasValueSatisfying(e -> assertThat(e).isEmpty());
    assertThat(window.after(4)).isEmpty();
  }

  @Test
  void append_beyondTheCharacterBound_dropsOldestFrames() {
    CardWindow window = window(300, 10);
    window.append(1, OutFrame.of("aaaa"));
    window.append(2, OutFrame.of("bbbb"));
    window.append(3, OutFrame.of("cccc"));

    assertThat(window.size()).isEqualTo(2);
    assertThat(window.after(1))
        .hasValueSatisfying(e -> assertThat(versions(e)).containsExactly(2L, 3L));
  }

  @Test
  void append_versionThatSkips_dropsTheFramesBeforeTheHole() {
    CardWindow window = window(300, 1_000_000);
    window.append(1, OutFrame.of("f1"));
    window.append(2, OutFrame.of("f2"));
    window.append(5, OutFrame.of("f5"));

    assertThat(window.after(4))
        .hasValueSatisfying(e -> assertThat(versions(e)).containsExactly(5L));
    assertThat(window.after(2)).isEmpty();
  }

  @Test
  void after_versionAheadOfTheWindow_isNotCovered() {
    CardWindow window = window(300, 1_000_000);
    window.append(1, OutFrame.of("f1"));

    assertThat(window.after(7)).isEmpty();
  }

  @Test
  void idle_noAppendForTheAgeBound_isTrue() {
    CardWindow window = window(300, 1_000_000);
    window.append(1, OutFrame.of("f1"));
    clock.advance(Duration.ofSeconds(119));
    assertThat(window.idle()).isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(window.idle()).isTrue();
  }

  @Test
  void constructor_nonPositiveBound_isRefused() {
    assertThatThrownBy(() -> window(0, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("events=0");
  }
}
