package io.opencardkit.bench.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A viewer's reading of hand-made frame sequences in both protocol versions, without sockets. */
class ViewerFramesTest {
  private final CardTrack.Registry registry = new CardTrack.Registry();
  private final List<String> ready = new ArrayList<>();
  private int hellos;
  private String readyCard;

  private final ViewerFrames.Fleet fleet =
      new ViewerFrames.Fleet() {
        @Override
        public String readyCard() {
          return readyCard;
        }

        @Override
        public void ready() {
          ready.add(readyCard);
        }

        @Override
        public void hello() {
          hellos++;
        }
      };

  private static String message(String cardId, long version, String text) {
    return "{\"type\":\"message\",\"chat_id\":\"oc_1\",\"message\":{\"message_id\":\"om_1\",\"card\":{\"card_id\":\""
        + cardId
        + "\",\"version\":"
        + version
        + ",\"card\":{\"schema\":\"2.0\",\"body\":{\"elements\":[{\"tag\":\"markdown\",\"element_id\":\"md\",\"content\":\""
        + text
        + "\"}]}}}}}";
  }

  private static String v1Append(String cardId, long version, int offset, String text) {
    return "{\"type\":\"card\",\"card_id\":\""
        + cardId
        + "\",\"message_id\":\"om_1\",\"chat_id\":\"oc_1\",\"version\":"
        + version
        + ",\"op\":\"append\",\"element_id\":\"md\",\"offset\":"
        + offset
        + ",\"text\":\""
        + text
        + "\",\"streaming\":true,\"deadline\":1,\"summary\":\"s\"}";
  }

  private static String stream(long k, String cardId) {
    return "{\"type\":\"stream\",\"k\":"
        + k
        + ",\"card_id\":\""
        + cardId
        + "\",\"element_id\":\"md\"}";
  }

  private ViewerFrames viewer(boolean probe) {
    return new ViewerFrames(registry, ViewerFleet.CardFrameListener.NONE, 0, probe, fleet);
  }

  @Test
  void v1AppendsAreCountedTimedAndRebuilt() {
    CardTrack card = registry.register("c1", 10);
    card.sent(3, 1_000_000);
    card.sent(4, 2_000_000);
    ViewerFrames probe = viewer(true);
    ViewerFrames plain = viewer(false);
    Tally p = new Tally();
    Tally t = new Tally();

    for (String frame :
        List.of(
            "{\"type\":\"hello\",\"user\":\"ou_1\"}",
            message("c1", 2, ""),
            v1Append("c1", 3, 0, "Hel"),
            v1Append("c1", 4, 3, "lo"))) {
      probe.onFrame(frame, 5_000_000, p, null);
      plain.onFrame(frame, 5_000_000, t, null);
    }

    assertThat(t.cardFrames).isEqualTo(2);
    assertThat(t.v2Appends).isZero();
    assertThat(t.gaps + t.duplicates + t.unanchored + t.untimed).isZero();
    assertThat(t.latency.count()).isEqualTo(2);
    assertThat(t.latency.maxMicros()).isEqualTo(4_000); // 5 ms − 1 ms
    assertThat(p.latency.count()).isZero(); // the probe is left out of the latency figures
    assertThat(probe.probeView().texts()).containsEntry("c1", "Hello");
    assertThat(probe.probeView().offsetErrors()).isZero();
    assertThat(hellos).isEqualTo(2);
  }

  @Test
  void v2AppendsAreMappedThroughTheStreamAnnouncement() {
    CardTrack card = registry.register("c1", 10);
    card.sent(3, 1_000_000);
    card.sent(4, 1_000_000);
    card.sent(5, 1_000_000);
    ViewerFrames probe = viewer(true);
    ViewerFrames plain = viewer(false);
    Tally p = new Tally();
    Tally t = new Tally();
    List<String> frames =
        List.of(
            message("c1", 2, ""),
            stream(7, "c1"),
            "[7,3,\"Hel\"]",
            "[7,4,\"lo \\\"w\\\"\"]",
            "{\"type\":\"card\",\"card_id\":\"c1\",\"version\":5,\"op\":\"settings\",\"config\":{\"streaming_mode\":false}}");

    for (String frame : frames) {
      probe.onFrame(frame, 3_000_000, p, null);
      plain.onFrame(frame, 3_000_000, t, null);
    }

    assertThat(t.cardFrames).isEqualTo(3);
    assertThat(t.v2Appends).isEqualTo(2);
    assertThat(t.streamFrames).isEqualTo(1);
    assertThat(t.gaps + t.duplicates + t.unanchored + t.unknownStreams).isZero();
    assertThat(t.latency.count()).isEqualTo(3);
    assertThat(probe.probeView().texts()).containsEntry("c1", "Hello \"w\"");
    assertThat(probe.probeView().firstVersionErrors()).isZero();
  }

  @Test
  void gapsAndDuplicatesAreFoundInBothShapes() {
    registry.register("c1", 20);
    ViewerFrames plain = viewer(false);
    Tally t = new Tally();

    for (String frame :
        List.of(
            message("c1", 2, ""),
            stream(1, "c1"),
            "[1,3,\"a\"]",
            "[1,5,\"b\"]",
            v1Append("c1", 5, 2, "b"),
            "[1,6,\"c\"]")) {
      plain.onFrame(frame, 1, t, null);
    }

    assertThat(t.gaps).isEqualTo(1); // 3 → 5
    assertThat(t.duplicates).isEqualTo(1); // 5 again
    assertThat(t.cardFrames).isEqualTo(4);
  }

  @Test
  void anAppendOfAStreamNeverAnnouncedOnThisConnectionIsAProtocolError() {
    registry.register("c1", 10);
    ViewerFrames before = viewer(true);
    before.onFrame(stream(7, "c1"), 1, null, null);
    ViewerFrames reconnected = viewer(true); // stream numbers are per connection
    Tally t = new Tally();

    reconnected.onFrame("[7,3,\"x\"]", 1, t, null);

    assertThat(t.unknownStreams).isEqualTo(1);
    assertThat(t.cardFrames).isZero();
    assertThat(reconnected.probeView().unknownStreams()).isEqualTo(1);
  }

  @Test
  void aSnapshotReplacesTheTextAndTheVersionHeld() {
    registry.register("c1", 20);
    ViewerFrames probe = viewer(true);
    Tally t = new Tally();
    String snapshot =
        "{\"type\":\"snapshot\",\"card_id\":\"c1\",\"version\":9,\"card\":{\"body\":{\"elements\":[{\"element_id\":\"md\",\"content\":\"whole\"}]}}}";

    for (String frame :
        List.of(
            message("c1", 2, ""), stream(1, "c1"), "[1,3,\"x\"]", snapshot, "[1,10,\" more\"]")) {
      probe.onFrame(frame, 1, t, null);
    }

    assertThat(t.snapshots).isEqualTo(1);
    assertThat(t.gaps + t.duplicates).isZero();
    assertThat(probe.probeView().texts()).containsEntry("c1", "whole more");
  }

  @Test
  void aV1AppendAtTheWrongOffsetIsCounted() {
    registry.register("c1", 20);
    ViewerFrames probe = viewer(true);

    for (String frame : List.of(message("c1", 2, "ab"), v1Append("c1", 3, 5, "x"))) {
      probe.onFrame(frame, 1, null, null);
    }

    assertThat(probe.probeView().offsetErrors()).isEqualTo(1);
  }

  @Test
  void theFirstAppendMustMakeTheFirstContentVersion() {
    registry.register("c1", 20);
    ViewerFrames probe = viewer(true);

    for (String frame : List.of(message("c1", 2, ""), stream(1, "c1"), "[1,4,\"x\"]")) {
      probe.onFrame(frame, 1, null, null);
    }

    assertThat(probe.probeView().firstVersionErrors()).isEqualTo(1);
  }

  @Test
  void aCardFrameOfTheAwaitedCardMakesTheViewerReadyOnce() {
    ViewerFrames plain = viewer(false);
    readyCard = "sentinel";

    for (String frame : List.of(stream(2, "sentinel"), "[2,3,\"ready\"]", "[2,4,\"again\"]")) {
      plain.onFrame(frame, 1, null, null);
    }

    assertThat(ready).containsExactly("sentinel");
  }

  @Test
  void unknownCardsAreRegisteredOnSightWhenAsked() {
    ViewerFrames reference =
        new ViewerFrames(registry, ViewerFleet.CardFrameListener.NONE, 40, false, fleet);
    Tally t = new Tally();

    for (String frame : List.of(stream(1, "9001"), "[1,1,\"a\"]", "[1,2,\"b\"]")) {
      reference.onFrame(frame, 1, t, null);
    }

    assertThat(registry.get("9001")).isNotNull();
    assertThat(t.cardFrames).isEqualTo(2);
    assertThat(t.unanchored).isEqualTo(1); // the first frame of a card with no message frame
    assertThat(t.gaps + t.duplicates).isZero();
    assertThat(t.untimed).isEqualTo(2);
  }
}
