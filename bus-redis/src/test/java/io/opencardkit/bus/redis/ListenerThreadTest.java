package io.opencardkit.bus.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.opencardkit.bus.redis.RecordingListener.Heard;
import io.opencardkit.core.bus.ClusterBus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

final class ListenerThreadTest {
  private final BusCounters counters = new BusCounters();
  private ListenerThread thread;

  @AfterEach
  void closeThread() throws Exception {
    if (thread != null) {
      thread.close();
      thread.stopped().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void deliver_callsTheListenerInOrderOnOneNamedThread() {
    thread = new ListenerThread("bus-listener-test", 100, counters);
    RecordingListener listener = new RecordingListener();
    thread.start(listener);

    for (int i = 0; i < 50; i++) {
      thread.deliver("a", "m" + i);
    }
    listener.awaitMessages(50);

    assertThat(listener.messages()).containsExactlyElementsOf(numbered(50));
    assertThat(listener.threads())
        .singleElement()
        .extracting(Thread::getName)
        .isEqualTo("bus-listener-test");
    assertThat(counters.snapshot().received()).isEqualTo(50);
  }

  @Test
  void deliver_afterAListenerThrew_goesOnWithTheNextMessage() {
    thread = new ListenerThread("bus-listener-test", 100, counters);
    RecordingListener recorder = new RecordingListener();
    thread.start(
        new ClusterBus.Listener() {
          @Override
          public void received(String fromNode, String message) {
            if (message.equals("bad")) {
              throw new IllegalStateException("listener bug");
            }
            recorder.received(fromNode, message);
          }

          @Override
          public void reconnected() {}
        });

    thread.deliver("a", "bad");
    thread.deliver("a", "good");
    recorder.awaitMessage("good");

    assertThat(counters.snapshot().listenerFailures()).isEqualTo(1);
  }

  @Test
  void deliver_whileTheQueueIsFull_dropsThenSignalsReconnectedBeforeTheNextMessage()
      throws Exception {
    thread = new ListenerThread("bus-listener-test", 2, counters);
    HoldingListener listener = new HoldingListener("m1");
    thread.start(listener);
    thread.deliver("a", "m1");
    listener.awaitHolding();

    // m1 holds the thread, m2 and m3 fill the queue of two, so m4 has no room.
    thread.deliver("a", "m2");
    thread.deliver("a", "m3");
    thread.deliver("a", "m4");
    listener.release();
    listener.recorder.awaitMessages(3);
    thread.deliver("a", "m5");
    listener.recorder.awaitMessages(4);

    assertThat(listener.recorder.heard())
        .containsExactly(
            new Heard("a", "m1"),
            new Heard("a", "m2"),
            new Heard("a", "m3"),
            Heard.RECONNECTED,
            new Heard("a", "m5"));
    assertThat(counters.snapshot().dropped(DropReason.LISTENER_BEHIND)).isEqualTo(1);
  }

  @Test
  void deliver_beforeStart_isDroppedAsNoListener() {
    thread = new ListenerThread("bus-listener-test", 10, counters);

    thread.deliver("a", "early");

    assertThat(counters.snapshot().dropped(DropReason.NO_LISTENER)).isEqualTo(1);
  }

  @Test
  void start_twice_isRefused() {
    thread = new ListenerThread("bus-listener-test", 10, counters);
    thread.start(new RecordingListener());

    assertThatIllegalStateException().isThrownBy(() -> thread.start(new RecordingListener()));
  }

  @Test
  void close_endsTheThreadAndDiscardsQueuedCallbacks() throws Exception {
    thread = new ListenerThread("bus-listener-close-test", 10, counters);
    HoldingListener listener = new HoldingListener("in progress");
    RecordingListener recorder = listener.recorder;
    thread.start(listener);
    thread.deliver("a", "in progress");
    listener.awaitHolding();
    thread.deliver("a", "queued");

    thread.close();
    listener.release();
    thread.stopped().get(10, TimeUnit.SECONDS);

    // The callback in progress finished; the queued one never ran.
    assertThat(recorder.messages()).containsExactly("in progress");
    // stopped() completes as the thread's last act, so the thread itself is gone an instant later.
    Await.until(
        "thread bus-listener-close-test ended",
        () ->
            Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("bus-listener-close-test")));
  }

  @Test
  void close_neverStarted_isStoppedAtOnce() {
    thread = new ListenerThread("bus-listener-test", 10, counters);

    thread.close();

    assertThat(thread.stopped()).isDone();
  }

  private static List<String> numbered(int count) {
    List<String> messages = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      messages.add("m" + i);
    }
    return messages;
  }

  /**
   * Records like {@link RecordingListener}, but holds the thread in the callback of one message
   * until released.
   */
  private static final class HoldingListener implements ClusterBus.Listener {
    final RecordingListener recorder = new RecordingListener();
    private final String holdOn;
    private final CountDownLatch holding = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    HoldingListener(String holdOn) {
      this.holdOn = holdOn;
    }

    @Override
    public void received(String fromNode, String message) {
      recorder.received(fromNode, message);
      if (message.equals(holdOn)) {
        holding.countDown();
        try {
          released.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    @Override
    public void reconnected() {
      recorder.reconnected();
    }

    void awaitHolding() throws InterruptedException {
      assertThat(holding.await(10, TimeUnit.SECONDS)).as("the listener holds its thread").isTrue();
    }

    void release() {
      released.countDown();
    }
  }
}
