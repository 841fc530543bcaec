package io.opencardkit.bus.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.bus.redis.RecordingListener.Heard;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

final class InboxTest {
  private final BusChannels channels = new BusChannels("t");
  private final BusCounters counters = new BusCounters();
  private final RecordingListener listener = new RecordingListener();
  private ListenerThread thread;
  private Inbox inbox;

  @BeforeEach
  void startThread() {
    thread = new ListenerThread("inbox-test-listener", 100, counters);
    thread.start(listener);
    inbox = new Inbox("me", channels, thread, counters);
  }

  @AfterEach
  void closeThread() throws Exception {
    thread.close();
    thread.stopped().get(10, TimeUnit.SECONDS);
  }

  @Test
  void accept_ownBroadcast_isNotDelivered() {
    inbox.accept(channels.all(), bytes(Envelope.encode("me", "echo")));
    inbox.accept(channels.all(), bytes(Envelope.encode("other", "after")));
    listener.awaitMessage("after");

    // Callbacks keep arrival order, so "echo" would have come first had it been delivered.
    assertThat(listener.heard()).containsExactly(new Heard("other", "after"));
    assertThat(counters.snapshot().ownBroadcastsSkipped()).isEqualTo(1);
    assertThat(counters.snapshot().received()).isEqualTo(1);
  }

  @Test
  void accept_nodeWhoseIdExtendsOurs_isDelivered() {
    inbox.accept(channels.all(), bytes(Envelope.encode("meme", "not mine")));

    listener.awaitMessage("not mine");
    assertThat(counters.snapshot().ownBroadcastsSkipped()).isZero();
  }

  @Test
  void accept_directedMessageFromItself_isDelivered() {
    inbox.accept(channels.node("me"), bytes(Envelope.encode("me", "note to self")));

    listener.awaitMessage("note to self");
  }

  @Test
  void accept_payloadWithoutEnvelope_isDroppedAsMalformed() {
    inbox.accept(channels.all(), bytes("published by redis-cli"));

    assertThat(counters.snapshot().dropped(DropReason.MALFORMED)).isEqualTo(1);
    assertThat(counters.snapshot().received()).isZero();
  }

  private static Buffer bytes(String payload) {
    return Buffer.buffer(payload);
  }
}
