package io.opencardkit.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

final class ViewerConnectionTest {
  private final FakeSocket socket = new FakeSocket();
  private final List<String> snapshotRequests = new ArrayList<>();
  private final ViewerStats stats = new ViewerStats();
  private final ViewerConnection connection =
      new ViewerConnection(
          "ou_a", Set.of("oc_1"), socket, (c, cardId) -> snapshotRequests.add(cardId), stats);

  private static final class FakeSocket implements ViewerConnection.Socket {
    final List<String> written = new ArrayList<>();
    boolean full;
    short closedWith;

    @Override
    public boolean writeQueueFull() {
      return full;
    }

    @Override
    public void write(OutFrame frame) {
      written.add(frame.text());
    }

    @Override
    public void close(short code, String reason) {
      closedWith = code;
    }
  }

  @Test
  void offerCard_beforeFirstResume_writesNothing() {
    connection.offerCard("c", 1, OutFrame.of("f1"));

    assertThat(socket.written).isEmpty();
  }

  @Test
  void offerCard_consecutiveVersions_areWrittenOnce() {
    connection.resumeFrom("c", 3);
    connection.offerCard("c", 4, OutFrame.of("f4"));
    connection.offerCard("c", 4, OutFrame.of("f4"));
    connection.offerCard("c", 3, OutFrame.of("f3"));
    connection.offerCard("c", 5, OutFrame.of("f5"));

    assertThat(socket.written).containsExactly("f4", "f5");
  }

  @Test
  void offerCard_gap_asksForOneSnapshotAndDropsFramesUntilItComes() {
    connection.resumeFrom("c", 3);
    connection.offerCard("c", 5, OutFrame.of("f5"));
    connection.offerCard("c", 6, OutFrame.of("f6"));

    assertThat(socket.written).isEmpty();
    assertThat(snapshotRequests).containsExactly("c");

    connection.snapshot("c", 6, OutFrame.of("s6"));
    connection.offerCard("c", 6, OutFrame.of("f6"));
    connection.offerCard("c", 7, OutFrame.of("f7"));
    assertThat(socket.written).containsExactly("s6", "f7");
  }

  @Test
  void offerCard_streamNumberAnnouncedForAnotherCard_isAnnouncedAgainBeforeItsFrame() {
    // Two nodes number their streams each from 1: frames another node built come with its numbers.
    AppendStream mine = AppendStream.of(1, "x", "md");
    AppendStream shipped = AppendStream.of(1, "y", "md");
    connection.markResumed();

    connection.offerCard("x", 2, OutFrame.compact("[1,2,\"a\"]", mine, 2));
    connection.offerCard("y", 5, OutFrame.compact("[1,5,\"b\"]", shipped, 5));
    connection.offerCard("y", 6, OutFrame.compact("[1,6,\"c\"]", AppendStream.of(1, "y", "md"), 6));
    connection.offerCard("x", 3, OutFrame.compact("[1,3,\"d\"]", mine, 3));

    assertThat(socket.written)
        .containsExactly(
            mine.announcement().text(),
            "[1,2,\"a\"]",
            shipped.announcement().text(),
            "[1,5,\"b\"]",
            "[1,6,\"c\"]", // the same meaning: no second announcement
            mine.announcement().text(),
            "[1,3,\"d\"]");
  }

  @Test
  void offerCard_unknownCardAfterResume_isWrittenAndThenOrdered() {
    connection.markResumed();
    connection.offerCard("new", 2, OutFrame.of("f2"));
    connection.offerCard("new", 3, OutFrame.of("f3"));

    assertThat(socket.written).containsExactly("f2", "f3");
  }

  @Test
  void offerCard_queueFull_skipsAndSendsOneSnapshotPerCardOnDrain() {
    connection.resumeFrom("a", 1);
    connection.resumeFrom("b", 1);
    socket.full = true;
    connection.offerCard("a", 2, OutFrame.of("a2"));
    connection.offerCard("a", 3, OutFrame.of("a3"));
    connection.offerCard("b", 2, OutFrame.of("b2"));
    assertThat(socket.written).isEmpty();
    assertThat(stats.deltasSkipped()).isEqualTo(3);

    socket.full = false;
    connection.drained();
    // The hub answers each request with a snapshot of the card's current version.
    assertThat(snapshotRequests).containsExactly("a", "b");
    connection.snapshot("a", 3, OutFrame.of("sa3"));
    connection.snapshot("b", 2, OutFrame.of("sb2"));
    connection.offerCard("a", 3, OutFrame.of("a3"));
    connection.offerCard("a", 4, OutFrame.of("a4"));

    assertThat(socket.written).containsExactly("sa3", "sb2", "a4");
  }

  @Test
  void snapshot_queueFull_staysStaleUntilDrain() {
    connection.resumeFrom("a", 1);
    connection.offerCard("a", 3, OutFrame.of("a3")); // gap
    socket.full = true;
    connection.snapshot("a", 3, OutFrame.of("sa3"));
    assertThat(socket.written).isEmpty();

    socket.full = false;
    connection.drained();
    assertThat(snapshotRequests).containsExactly("a", "a");
  }

  @Test
  void offerControl_queueFull_isKeptAndWrittenFirstOnDrain() {
    connection.resumeFrom("a", 1);
    socket.full = true;
    connection.offerControl(OutFrame.of("m1"), "a", 5);
    connection.offerCard("a", 2, OutFrame.of("a2"));
    socket.full = false;
    connection.drained();

    // The message carried version 5 of card a, so the snapshot request follows it and frames up to
    // 5 are skipped.
    assertThat(socket.written).containsExactly("m1");
    assertThat(snapshotRequests).containsExactly("a");
  }

  @Test
  void offerControl_tooManyPending_closesWithTryAgainLater() {
    socket.full = true;
    for (int i = 0; i <= ViewerConnection.MAX_PENDING_CONTROL; i++) {
      connection.offerControl(OutFrame.of("m" + i), null, 0);
    }

    assertThat(socket.closedWith).isEqualTo(ViewerConnection.TRY_AGAIN_LATER);
    assertThat(stats.slowClientsClosed()).isEqualTo(1);
  }

  @Test
  void offerControl_messageWithCard_skipsFramesTheMessageAlreadyHolds() {
    connection.markResumed();
    connection.offerControl(OutFrame.of("m"), "c", 4);
    connection.offerCard("c", 3, OutFrame.of("f3"));
    connection.offerCard("c", 4, OutFrame.of("f4"));
    connection.offerCard("c", 5, OutFrame.of("f5"));

    assertThat(socket.written).containsExactly("m", "f5");
  }

  @Test
  void cardWentQuiet_forgetsTheCard_andItsNextFrameIsWrittenAsForANewCard() {
    connection.resumeFrom("c", 4);
    connection.offerCard("c", 5, OutFrame.of("f5"));
    assertThat(connection.trackedCards()).isEqualTo(1);

    connection.cardWentQuiet("c");
    connection.offerCard("c", 6, OutFrame.of("f6"));

    assertThat(socket.written).containsExactly("f5", "f6");
    assertThat(connection.trackedCards()).isEqualTo(1);
  }

  @Test
  void cardWentQuiet_snapshotStillOwed_keepsTheCard() {
    connection.resumeFrom("a", 1);
    socket.full = true;
    connection.offerCard("a", 2, OutFrame.of("a2")); // skipped: a is stale

    connection.cardWentQuiet("a");
    socket.full = false;
    connection.drained();

    assertThat(snapshotRequests).containsExactly("a");
    connection.snapshot("a", 2, OutFrame.of("sa2"));
    connection.offerCard("a", 2, OutFrame.of("a2"));
    assertThat(socket.written).containsExactly("sa2");
  }

  @Test
  void upToDate_pageHoldsCurrentVersion_writesNothing() {
    connection.resumeFrom("c", 4);
    connection.upToDate("c", 4);
    connection.offerCard("c", 5, OutFrame.of("f5"));

    assertThat(socket.written).containsExactly("f5");
  }

  @Test
  void idleViewer_keepsNoPerCardState_untilItMeetsACard() {
    connection.markResumed();
    connection.offerControl(OutFrame.of("m"), null, 0); // a text message: no card

    assertThat(connection.tracksCards()).isFalse();

    connection.offerCard("c", 3, OutFrame.of("f3"));
    assertThat(connection.tracksCards()).isTrue();
  }

  @Test
  void cardWentQuiet_lastCard_dropsThePerCardState_andTheCardIsTrackedAgainOnItsNextFrame() {
    AppendStream stream = AppendStream.of(1, "c", "md");
    connection.resumeFrom("c", 2);
    connection.offerCard("c", 3, OutFrame.compact("[1,3,\"a\"]", stream, 3));

    connection.cardWentQuiet("c");

    assertThat(connection.tracksCards()).isFalse();
    assertThat(connection.announcedStreams()).isZero();
    connection.offerCard("c", 4, OutFrame.compact("[1,4,\"b\"]", stream, 4));
    connection.offerCard("c", 6, OutFrame.compact("[1,6,\"d\"]", stream, 6)); // a gap again
    assertThat(socket.written)
        .containsExactly(
            stream.announcement().text(),
            "[1,3,\"a\"]",
            stream.announcement().text(),
            "[1,4,\"b\"]");
    assertThat(snapshotRequests).containsExactly("c");
  }

  @Test
  void drained_afterABurstOfControlFrames_writesThemInOrderAndKeepsNoQueue() {
    socket.full = true;
    connection.offerControl(OutFrame.of("m1"), null, 0);
    connection.offerControl(OutFrame.of("m2"), null, 0);

    socket.full = false;
    connection.drained();
    connection.offerControl(OutFrame.of("m3"), null, 0);

    assertThat(socket.written).containsExactly("m1", "m2", "m3");
    assertThat(connection.hasStaleCards()).isFalse();
  }
}
