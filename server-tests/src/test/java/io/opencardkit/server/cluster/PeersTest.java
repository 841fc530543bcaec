package io.opencardkit.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * When a node may have missed another node's committed batches: silence, return, or a gap in the
 * numbers.
 */
final class PeersTest {
  private final AtomicLong nanos = new AtomicLong(1_000);
  private final Peers peers = new Peers(nanos::get);

  private void advanceMillis(long millis) {
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
  }

  @Test
  void aNodeHeardWithinTheSilenceLimit_isNotReported() {
    peers.heard("a", 0, false);
    for (int i = 0; i < 10; i++) {
      advanceMillis(Peers.SILENCE_MILLIS - 1);
      assertThat(peers.fallenSilent()).isEmpty();
      assertThat(peers.heard("a", 0, false)).isFalse(); // a heartbeat
    }
  }

  @Test
  void aNodeNotHeardForTheSilenceLimit_isReportedOnce() {
    peers.heard("a", 3, true);
    peers.heard("b", 0, false);
    advanceMillis(Peers.SILENCE_MILLIS - 1);
    peers.heard("b", 0, false);

    advanceMillis(1);
    assertThat(peers.fallenSilent()).containsExactly("a");
    advanceMillis(Peers.SILENCE_MILLIS * 10);
    assertThat(peers.fallenSilent()).containsExactly("b"); // a was reported already
  }

  @Test
  void aSilentNodeHeardAgain_mayHaveCommittedUnheard_thenIsWatchedAgain() {
    peers.heard("a", 3, true);
    advanceMillis(Peers.SILENCE_MILLIS);
    assertThat(peers.fallenSilent()).containsExactly("a");

    assertThat(peers.heard("a", 3, false))
        .isTrue(); // its heartbeat after an outage of its bus, say
    assertThat(peers.heard("a", 4, true)).isFalse();
    advanceMillis(Peers.SILENCE_MILLIS);
    assertThat(peers.fallenSilent()).containsExactly("a");
  }

  @Test
  void numbersInOrder_andHeartbeatsRepeatingTheLast_areNoGap() {
    assertThat(peers.heard("a", 5, true))
        .isFalse(); // the first heard: nothing before it can be told missing
    assertThat(peers.heard("a", 5, false)).isFalse();
    assertThat(peers.heard("a", 6, true)).isFalse();
    assertThat(peers.heard("a", -1, false)).isFalse(); // a bot delivery: no number
    assertThat(peers.heard("a", 7, true)).isFalse();
  }

  @Test
  void aBatchMessageLostOnTheBus_showsAsAGapInTheNextBatchOrHeartbeat() {
    peers.heard("a", 1, true);
    assertThat(peers.heard("a", 3, true)).isTrue(); // 2 is missing
    assertThat(peers.heard("a", 4, true)).isFalse();
    assertThat(peers.heard("a", 5, false))
        .isTrue(); // the heartbeat names batch message 5, never heard
    assertThat(peers.heard("a", 5, false)).isFalse();
  }

  @Test
  void afterThisNodesOwnReconnection_theNextNumbersAreNoGap() {
    peers.heard("a", 1, true);
    peers.forgetNumbers(); // the node catches up from the database anyway
    assertThat(peers.heard("a", 9, true)).isFalse();
    assertThat(peers.heard("a", 11, true)).isTrue();
  }

  @Test
  void aNodeSilentForADay_isForgotten() {
    peers.heard("a", 1, true);
    advanceMillis(Peers.SILENCE_MILLIS);
    assertThat(peers.fallenSilent()).containsExactly("a");
    advanceMillis(Peers.FORGET_MILLIS);
    assertThat(peers.fallenSilent()).isEmpty();

    assertThat(peers.heard("a", 9, true))
        .isFalse(); // heard as a new node: nothing before can be told missing
  }
}
