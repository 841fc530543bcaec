package io.opencardkit.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The default scheduler (real threads, real time): callers never wait for I/O, and any thread may
 * append.
 */
final class ThreadedStreamTest {
  @Test
  void append_whileEveryCallHangs_returnsAtOnce_andTheTextArrivesOnceReleased() throws Exception {
    try (Harness h = new Harness();
        CardStreams streams = CardStreams.builder(h.sdk).build()) {
      h.transport.hold();
      CardStream stream = streams.open(Target.chat(h.server.seed.chatId));
      String answer = Texts.answer(200);
      List<String> tokens = Texts.tokens(answer, 11);
      // Were append() waiting for the (held) SDK calls, this would take the hold's 60 seconds.
      assertTimeoutPreemptively(Duration.ofSeconds(5), () -> tokens.forEach(stream::append));
      assertThat(stream.opened()).isNotDone();

      h.transport.release();
      List<CardRef> cards = stream.finish("released").get(60, TimeUnit.SECONDS);
      Harness.assertSameText(h.shownText(cards), answer);
      assertThat(h.summary(cards.get(cards.size() - 1).messageId())).isEqualTo("released");
      h.transport.assertSequencesNeverReused();
    }
  }

  @Test
  void appendsFromManyThreads_keepEachThreadsOrder_andNothingIsLost() throws Exception {
    try (Harness h = new Harness();
        CardStreams streams = CardStreams.builder(h.sdk).updatesPerSecond(50).build()) {
      CardStream stream = streams.open(Target.chat(h.server.seed.chatId));
      int threads = 4;
      int perThread = 300;
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> producers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String name = "t" + t;
        Thread producer =
            new Thread(
                () -> {
                  try {
                    start.await();
                  } catch (InterruptedException e) {
                    return;
                  }
                  for (int i = 0; i < perThread; i++) {
                    stream.append("<" + name + ":" + i + ">");
                  }
                });
        producer.start();
        producers.add(producer);
      }
      start.countDown();
      for (Thread producer : producers) {
        producer.join();
      }
      List<CardRef> cards = stream.finish("threads").get(60, TimeUnit.SECONDS);

      String shown = h.shownText(cards);
      Harness.assertSameText(shown, stream.text());
      for (int t = 0; t < threads; t++) {
        int last = -1;
        for (int i = 0; i < perThread; i++) {
          int at = shown.indexOf("<t" + t + ":" + i + ">");
          assertThat(at).as("token %d of thread %d", i, t).isGreaterThan(last);
          last = at;
        }
      }
    }
  }
}
