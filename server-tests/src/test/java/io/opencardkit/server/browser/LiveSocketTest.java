package io.opencardkit.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * api.js's LiveSocket after its socket closes: a node that is stopping closes with 1001 and the page reconnects at once
 * (to another node behind the balancer); any other close waits for the backoff. Timers are recorded, not run.
 */
final class LiveSocketTest extends HarnessTest {
  /** The delays LiveSocket asked setTimeout for after the socket it opened closed with {@code code}. */
  @SuppressWarnings("unchecked")
  private List<Number> retryDelaysAfterClose(int code) {
    Map<String, Object> r = (Map<String, Object>) page.evaluate(
        "(code) => {"
            + " const opened = [];"
            + " class FakeSocket extends EventTarget { constructor(url) { super(); this.readyState = 1; opened.push(this); } send() {} close() {} }"
            + " const delays = []; const realSetTimeout = window.setTimeout;"
            + " window.setTimeout = (fn, delay) => { delays.push(delay); return 1; };"
            + " try {"
            + "  const live = new window.ock.api.LiveSocket({ url: 'ws://x/web/ws', resumeCards: () => ({}), onFrame: () => {}, WebSocketImpl: FakeSocket });"
            + "  live.connect();"
            + "  opened[0].dispatchEvent(new Event('open'));"
            + "  const closed = new Event('close'); closed.code = code; opened[0].dispatchEvent(closed);"
            + " } finally { window.setTimeout = realSetTimeout; }"
            + " return { delays, opened: opened.length };"
            + "}",
        code);
    assertThat(r.get("opened")).isEqualTo(1);
    return (List<Number>) r.get("delays");
  }

  @Test
  void goingAway1001_reconnectsAtOnce() {
    assertThat(retryDelaysAfterClose(1001)).singleElement().satisfies(delay -> assertThat(delay.doubleValue()).isZero());
  }

  @Test
  void otherCloses_waitForTheBackoff() {
    for (int code : new int[] {1006, 1013, 1000}) {
      assertThat(retryDelaysAfterClose(code)).as("close %d", code).singleElement()
          .satisfies(delay -> assertThat(delay.doubleValue()).isGreaterThanOrEqualTo(250 * 0.75));
    }
  }
}
