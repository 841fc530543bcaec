package io.opencardkit.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.server.OpenCardKitServer;
import io.opencardkit.server.testkit.MetricsScrape;
import io.opencardkit.server.testkit.MutableClock;
import io.opencardkit.server.testkit.PostgresRedisNodes;
import io.opencardkit.server.testkit.TestCluster;
import io.opencardkit.server.web.BotCalls;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, part 7: a node builds the viewers' frames of the events it commits, and the other nodes
 * send their viewers those very bytes; a node never decodes its own broadcasts.
 */
final class ShippedFramesTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int LOOPS = 3;
  private static final int VIEWERS_PER_NODE =
      3; // one per event loop: sockets are spread over the loops

  private final List<RawViewer> viewers = new ArrayList<>();
  private final List<AutoCloseable> clusters = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    viewers.forEach(RawViewer::close);
    for (AutoCloseable cluster : clusters) {
      cluster.close();
    }
  }

  private RawViewer viewer(String baseUrl, String openId) throws Exception {
    RawViewer viewer = RawViewer.open(baseUrl, openId);
    viewers.add(viewer);
    return viewer;
  }

  private static MetricsScrape metrics(OpenCardKitServer node) {
    return MetricsScrape.ofText(node.metrics().scrape());
  }

  @Test
  void streamWrittenThroughBothNodes_everyViewerOnEveryLoopOfEitherNode_getsTheSameBytesInOrder()
      throws Exception {
    TestCluster cluster =
        TestCluster.start(
            2,
            Clock.systemUTC(),
            Duration.ofMinutes(10),
            c -> c.withInsecureDevLogin().withServing(c.serving().withEventLoops(LOOPS)));
    clusters.add(cluster);
    BotCalls viaFirst = new BotCalls(cluster.client(0), () -> cluster.node(0).runtime());
    BotCalls viaSecond = new BotCalls(cluster.client(1), () -> cluster.node(1).runtime());
    for (int node = 0; node < 2; node++) {
      for (int i = 0; i < VIEWERS_PER_NODE; i++) {
        viewer(cluster.baseUrl(node), i % 2 == 0 ? cluster.seed.alice : cluster.seed.bob);
      }
    }
    String cardId = viaFirst.createCard(BotCalls.STREAMING_CARD);
    viaFirst.sendCard("chat_id", cluster.seed.chatId, cardId);
    long sent = viaFirst.version(cardId);
    for (RawViewer viewer : viewers) {
      viewer.awaitMessage(cardId, WAIT);
    }
    List<MetricsScrape> before = List.of(metrics(cluster.node(0)), metrics(cluster.node(1)));

    StringBuilder text = new StringBuilder();
    for (int sequence = 1; sequence <= 40; sequence++) {
      text.append("word").append(sequence).append(' ');
      (sequence % 4 < 2 ? viaFirst : viaSecond).contentOk(cardId, text.toString(), sequence);
    }
    viaSecond.streamingOff(cardId, 41);
    long last = viaSecond.version(cardId); // the node that wrote last knows the last version
    for (RawViewer viewer : viewers) {
      viewer.awaitVersion(cardId, last, WAIT);
    }

    List<String> reference = viewers.get(0).cardFrames(cardId, sent);
    for (RawViewer viewer : viewers) {
      assertThat(viewer.cardFrames(cardId, sent)).isEqualTo(reference);
      // Every version after the send once, in order: no gap, no duplicate.
      assertThat(viewer.versions(cardId, sent))
          .isEqualTo(LongStream.rangeClosed(sent + 1, last).boxed().collect(Collectors.toList()));
    }
    // Each node has each streamed event's frame once: built by itself, or taken as the other node
    // built it. How many were taken depends on timing (a batch whose frames are not ready within
    // the publisher's 100 ms wait goes without them, and the receiver builds them), the sum does
    // not; and frames were shipped.
    long events = last - sent;
    double built = 0;
    double reused = 0;
    for (int node = 0; node < 2; node++) {
      built +=
          metrics(cluster.node(node))
              .delta(before.get(node), "okc_web_card_frames_total", "built_by", "this_node");
      reused +=
          metrics(cluster.node(node))
              .delta(before.get(node), "okc_web_card_frames_total", "built_by", "other_node");
    }
    assertThat(built + reused).isEqualTo(2.0 * events);
    assertThat(built).isGreaterThanOrEqualTo((double) events);
    assertThat(reused).isPositive();
  }

  @Test
  void redisCluster_aNodeNeverDecodesItsOwnBatches_andTheOtherSendsItsFramesAsBuilt()
      throws Exception {
    PostgresRedisNodes cluster = new PostgresRedisNodes(MutableClock.startingNow());
    clusters.add(cluster);
    OpenCardKitServer first = cluster.startNode();
    OpenCardKitServer second = cluster.startNode();
    BotCalls viaFirst =
        new BotCalls(
            com.lark.oapi.Client.newBuilder(cluster.seed.appId, cluster.seed.appSecret)
                .openBaseUrl(first.baseUrl())
                .requestTimeout(10, java.util.concurrent.TimeUnit.SECONDS)
                .build(),
            first::runtime);
    RawViewer onFirst = viewer(first.baseUrl(), cluster.seed.alice);
    RawViewer onSecond = viewer(second.baseUrl(), cluster.seed.bob);
    String cardId = viaFirst.createCard(BotCalls.STREAMING_CARD);
    viaFirst.sendCard("chat_id", cluster.seed.chatId, cardId);
    long sent = viaFirst.version(cardId);
    onFirst.awaitMessage(cardId, WAIT);
    onSecond.awaitMessage(cardId, WAIT);
    MetricsScrape readerBefore = metrics(second);

    StringBuilder text = new StringBuilder();
    for (int sequence = 1; sequence <= 30; sequence++) {
      text.append("段落 ").append(sequence).append(' ');
      viaFirst.contentOk(cardId, text.toString(), sequence);
    }
    long last = viaFirst.version(cardId);
    onFirst.awaitVersion(cardId, last, WAIT);
    onSecond.awaitVersion(cardId, last, WAIT);

    assertThat(onSecond.cardFrames(cardId, sent)).isEqualTo(onFirst.cardFrames(cardId, sent));
    assertThat(onSecond.versions(cardId, sent))
        .isEqualTo(LongStream.rangeClosed(sent + 1, last).boxed().collect(Collectors.toList()));
    MetricsScrape writer = metrics(first);
    MetricsScrape reader = metrics(second);
    // Redis echoed the writer's broadcasts back to it; it dropped them before decoding anything.
    assertThat(writer.sum("okc_bus_echoes_skipped_total")).isPositive();
    assertThat(writer.sum("okc_cluster_batches_decoded_total")).isZero();
    assertThat(reader.sum("okc_cluster_batches_decoded_total")).isPositive();
    // The reader has each frame once, and took the writer's (how many depends on timing, as
    // above).
    double readerBuilt =
        reader.delta(readerBefore, "okc_web_card_frames_total", "built_by", "this_node");
    double readerTook =
        reader.delta(readerBefore, "okc_web_card_frames_total", "built_by", "other_node");
    assertThat(readerBuilt + readerTook).isEqualTo((double) (last - sent));
    assertThat(readerTook).isPositive();
  }
}
