package io.opencardkit.bus.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.bus.redis.RecordingListener.Heard;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

final class RedisClusterBusDeliveryTest {
  @RegisterExtension final Nodes nodes = Nodes.onPrivateRedis();
  private final RecordingListener heardByA = new RecordingListener();
  private final RecordingListener heardByB = new RecordingListener();
  private RedisClusterBus a;
  private RedisClusterBus b;

  @BeforeEach
  void startTwoNodes() {
    a = nodes.startNode("a", heardByA);
    b = nodes.startNode("b", heardByB);
    nodes.awaitConnected();
  }

  @Test
  void broadcast_reachesTheOtherNodeButNotTheSender() {
    a.broadcast("hello");
    heardByB.awaitMessage("hello");
    b.broadcast("marker");
    heardByA.awaitMessage("marker");

    // Redis handled "hello" before "marker" (b sent it after hearing "hello"), so an echo would
    // have reached a first.
    assertThat(heardByA.heard()).containsExactly(new Heard("b", "marker"));
    assertThat(heardByB.heard()).containsExactly(new Heard("a", "hello"));
  }

  @Test
  void send_reachesOnlyTheNamedNode() {
    RecordingListener heardByC = new RecordingListener();
    nodes.startNode("c", heardByC);
    nodes.awaitConnected();

    a.send("b", "for b only");
    a.broadcast("marker");
    heardByB.awaitMessage("marker");
    heardByC.awaitMessage("marker");

    // a's messages keep a's order, so c would have heard "for b only" before "marker".
    assertThat(heardByB.messages()).containsExactly("for b only", "marker");
    assertThat(heardByC.messages()).containsExactly("marker");
  }

  @Test
  void broadcast_tenThousandFromOneThread_arriveCompleteAndInOrder() {
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      sent.add("{\"seq\":" + i + "}");
    }

    sent.forEach(a::broadcast);
    heardByB.awaitMessages(sent.size());

    assertThat(heardByB.messages()).isEqualTo(sent);
    Await.until(
        "a's broadcasts confirmed", () -> a.stats().broadcastsSent() == sent.size(), a::stats);
    assertThat(a.stats().droppedTotal()).isZero();
    assertThat(b.stats().received()).isEqualTo(sent.size());
    // Redis echoed each broadcast to a too; a dropped every echo by its first bytes, before
    // decoding it.
    Await.until(
        "a's echoes skipped", () -> a.stats().ownBroadcastsSkipped() == sent.size(), a::stats);
    assertThat(a.stats().received()).isZero();
  }

  @Test
  void broadcast_fromThreadsOrderedByHappensBefore_arrivesInThatOrder()
      throws InterruptedException {
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String message = "hop " + i;
      sent.add(message);
      // Each message from a new thread, started after the previous one ended: ordered, though not
      // one thread.
      Thread sender = new Thread(() -> a.broadcast(message));
      sender.start();
      sender.join();
    }

    heardByB.awaitMessages(sent.size());

    assertThat(heardByB.messages()).isEqualTo(sent);
  }

  @Test
  void broadcast_200KilobyteMessage_arrivesIntact() {
    StringBuilder large = new StringBuilder();
    for (int i = 0; large.length() < 200 * 1024; i++) {
      large.append("{\"element\":").append(i).append(",\"text\":\"段落 paragraph\"}\n");
    }

    a.broadcast(large.toString());
    heardByB.awaitMessages(1);

    assertThat(heardByB.messages()).containsExactly(large.toString());
  }

  @Test
  void broadcast_unicodeAndControlCharacters_arriveIntact() {
    // CJK, an emoji outside the BMP (a surrogate pair in Java), a ZWJ sequence, a combining accent,
    // NUL, CR LF.
    String text = "飞书卡片 ✅ 😀 👩‍💻 e\u0301 \u0000 tab\t crlf\r\n end";

    a.broadcast(text);
    a.send("b", text);
    heardByB.awaitMessages(2);

    assertThat(heardByB.messages()).containsExactly(text, text);
  }

  @Test
  void send_toANodeNobodyRuns_isCountedAsNoSuchNode() {
    a.send("nobody", "lost");

    Await.until("drop counted", () -> a.stats().dropped(DropReason.NO_SUCH_NODE) == 1, a::stats);
    assertThat(a.stats().directSent()).isZero();
  }

  @Test
  void listen_callbacksRunOnTheBusListenerThread() {
    a.broadcast("one");
    a.broadcast("two");
    heardByB.awaitMessages(2);

    assertThat(heardByB.threads())
        .singleElement()
        .extracting(Thread::getName)
        .isEqualTo("opencardkit-bus-listener-b");
  }

  @Test
  void connect_firstAttemptSucceeding_doesNotCallReconnected() {
    a.broadcast("after connecting");
    heardByB.awaitMessage("after connecting");

    assertThat(heardByA.reconnections()).isZero();
    assertThat(heardByB.reconnections()).isZero();
    assertThat(b.stats().reconnections()).isZero();
  }

  @Test
  void nodeId_notInTheUrl_isTwelveRandomHexDigits() {
    RedisClusterBus unnamed = nodes.startWithUrl(nodes.redis().url(), new RecordingListener());
    RedisClusterBus other = nodes.startWithUrl(nodes.redis().url(), new RecordingListener());

    assertThat(unnamed.nodeId()).matches("[0-9a-f]{12}").isNotEqualTo(other.nodeId());
  }
}
