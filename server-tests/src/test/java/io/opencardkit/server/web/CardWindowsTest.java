package io.opencardkit.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.server.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class CardWindowsTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T08:00:00Z"));

  @Test
  void sweep_overBudget_dropsLeastRecentlyActiveWindowsFirst() {
    CardWindows windows = new CardWindows(clock, 10);
    windows.forChat("old", "oc_1").append(1, OutFrame.of("aaaa"));
    clock.advance(Duration.ofSeconds(1));
    windows.forChat("mid", "oc_1").append(1, OutFrame.of("bbbb"));
    clock.advance(Duration.ofSeconds(1));
    windows.forChat("new", "oc_1").append(1, OutFrame.of("cccc"));

    Map<String, String> dropped = windows.sweep();

    // 12 characters against a budget of 10: dropping the oldest card's 4 is enough.
    assertThat(dropped).containsExactly(Map.entry("old", "oc_1"));
    assertThat(windows.get("old")).isNull();
    assertThat(windows.get("mid")).isNotNull();
    assertThat(windows.get("new")).isNotNull();
  }

  @Test
  void sweep_idleWindows_areDropped() {
    CardWindows windows = new CardWindows(clock, CardWindows.ALL_WINDOWS_CHARS);
    windows.forChat("a", "oc_1").append(1, OutFrame.of("f1"));
    clock.advance(CardWindows.WINDOW_AGE);
    windows.forChat("b", "oc_2").append(1, OutFrame.of("f1"));

    Map<String, String> dropped = windows.sweep();

    assertThat(dropped).containsExactly(Map.entry("a", "oc_1"));
    assertThat(windows.get("a")).isNull();
    assertThat(windows.get("b")).isNotNull();
  }

  @Test
  void forChat_cardSeenInAnotherChat_startsAFreshWindow() {
    CardWindows windows = new CardWindows(clock, CardWindows.ALL_WINDOWS_CHARS);
    windows.forChat("a", "oc_1").append(1, OutFrame.of("f1"));

    CardWindow moved = windows.forChat("a", "oc_2");

    assertThat(moved.chatId()).isEqualTo("oc_2");
    assertThat(moved.lastVersion()).isZero();
  }
}
