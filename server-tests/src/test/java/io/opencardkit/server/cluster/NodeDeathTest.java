package io.opencardkit.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.lark.oapi.Client;
import com.lark.oapi.service.im.v1.model.GetMessageReq;
import com.lark.oapi.service.im.v1.model.GetMessageResp;
import io.opencardkit.bus.redis.testing.RedisServerProcess;
import io.opencardkit.core.Json;
import io.opencardkit.core.card.ElementTree;
import io.opencardkit.core.engine.CardEvent;
import io.opencardkit.core.engine.CardState;
import io.opencardkit.core.engine.CardStateCodec;
import io.opencardkit.core.engine.EventType;
import io.opencardkit.core.store.LoadedCard;
import io.opencardkit.server.testkit.Await;
import io.opencardkit.server.testkit.PageSocket;
import io.opencardkit.server.testkit.ServerProcess;
import io.opencardkit.server.testkit.TestPostgres;
import io.opencardkit.server.testkit.TestSeed;
import io.opencardkit.server.web.BotCalls;
import io.opencardkit.store.postgres.PostgresCardStore;
import io.opencardkit.store.postgres.PostgresConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: a node dies ({@code kill -9}) at a random moment while bots stream through it; the
 * surviving node at once answers every card with what the dead node acknowledged, and its viewers
 * receive every acknowledged version.
 *
 * <p>Nodes share a fresh PostgreSQL schema and a private Redis: the survivor, which holds a viewer
 * of the chat for the whole test, and one victim per trial, each booting while the previous trial
 * is checked. Each trial streams through the victim from several client threads and kills it at a
 * random moment once every client has had a few answers, then right away reads every card through
 * the survivor ({@code GET im/v1/messages/:id}): each read must show the last acknowledged text, or
 * the text of the call that was in flight when the node died. The "watched" cards are not read at
 * once: nothing but the survivor noticing the death can bring them to its viewer, which must then
 * hold the stored text, having received every version as a card frame, in order, without a gap or a
 * snapshot.
 *
 * <p>Deterministic by construction: nothing is asserted about time. Waits are for frames that must
 * come, bounded only to fail rather than hang. The kill moments come from a fixed seed, so a run
 * can be repeated.
 */
final class NodeDeathTest {
  private static final int TRIALS = 24;
  private static final int READ_CLIENTS = 4;
  private static final int CARDS_PER_CLIENT = 2;
  private static final long SEED = 15L;

  /**
   * Each client has this many answers before the node may be killed, so every trial kills a stream
   * in progress.
   */
  private static final int ACKNOWLEDGED_BEFORE_KILL = 3;

  private static final Duration WAIT = Duration.ofSeconds(60);

  /**
   * A node is started for every trial: the client compiler only, which costs a starting JVM a
   * fraction of the CPU.
   */
  private static final List<String> QUICK_START =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k");

  private final TestSeed seed = new TestSeed();
  private final String schema = TestPostgres.newSchema();
  private final String store = TestPostgres.withSchema(TestPostgres.url(), schema);
  private final RedisServerProcess redis = RedisServerProcess.start();
  private final Path dir = Files.createTempDirectory("okc-node-death");
  private final List<ServerProcess> processes = new ArrayList<>();
  private final List<PageSocket> sockets = new ArrayList<>();
  private PostgresCardStore pg;
  private int started;
  private CompletableFuture<ServerProcess> spare; // the next victim, booting

  NodeDeathTest() throws Exception {}

  @AfterEach
  void stop() {
    if (spare != null) {
      spare
          .handle((node, e) -> node)
          .orTimeout(2, TimeUnit.MINUTES)
          .exceptionally(e -> null)
          .join(); // it joins processes
    }
    sockets.forEach(PageSocket::close);
    processes.forEach(ServerProcess::close);
    redis.close();
    if (pg != null) {
      pg.close();
    }
    TestPostgres.dropSchema(TestPostgres.url(), schema);
  }

  private ServerProcess startNode(List<String> extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--store",
                store,
                "--bus",
                redis.url(),
                "--streaming-timeout",
                "1h",
                "--web-auth",
                "development",
                "--insecure-dev-login"));
    args.addAll(extra);
    ServerProcess node;
    synchronized (processes) {
      node = ServerProcess.start(QUICK_START, dir.resolve("node-" + started++), args);
      processes.add(node);
    }
    return node;
  }

  private CompletableFuture<ServerProcess> startNodeInBackground() {
    return CompletableFuture.supplyAsync(() -> startNode(List.of()));
  }

  private Client sdk(ServerProcess node) {
    return Client.newBuilder(seed.appId, seed.appSecret)
        .openBaseUrl(node.baseUrl())
        .requestTimeout(10, TimeUnit.SECONDS)
        .build();
  }

  private static BotCalls bot(Client sdk) {
    return new BotCalls(
        sdk,
        () -> {
          throw new UnsupportedOperationException("the node runs in another process");
        });
  }

  @Test
  void
      killNine_atRandomMoments_theSurvivorAnswersEveryAcknowledgedUpdateAtOnceAndItsViewerMissesNone()
          throws Exception {
    ServerProcess survivor = startNode(List.of("--seed", seed.writeTo(dir).toString()));
    spare = startNodeInBackground();
    pg = PostgresCardStore.open(PostgresConfig.parse(store));
    Client viaSurvivor = sdk(survivor);
    PageSocket viewer = PageSocket.open(survivor.baseUrl(), "user=" + seed.alice, false);
    sockets.add(viewer);
    viewer.await(f -> "hello".equals(f.path("type").asText()), WAIT, "hello");
    viewer.resume("{}");

    List<List<StreamedCard>> readCards = new ArrayList<>();
    for (int c = 0; c < READ_CLIENTS; c++) {
      readCards.add(newCards(bot(viaSurvivor)));
    }
    List<StreamedCard> watchedCards = newCards(bot(viaSurvivor));
    List<StreamedCard> all = new ArrayList<>();
    readCards.forEach(all::addAll);
    all.addAll(watchedCards);
    for (StreamedCard card : all) {
      viewer.await(
          f -> card.messageId.equals(f.path("message").path("message_id").asText()),
          WAIT,
          "message " + card.messageId);
    }

    Random random = new Random(SEED);
    Tally tally = new Tally();
    List<String> unexpected = new CopyOnWriteArrayList<>();
    for (int trial = 1; trial <= TRIALS; trial++) {
      ServerProcess victim = spare.get(120, TimeUnit.SECONDS);
      BotCalls viaVictim = bot(sdk(victim));
      CountDownLatch streaming = new CountDownLatch(READ_CLIENTS + 1);
      List<Thread> clients = new ArrayList<>();
      for (List<StreamedCard> cards : readCards) {
        clients.add(Streamer.start(viaVictim, cards, streaming, unexpected));
      }
      clients.add(Streamer.start(viaVictim, watchedCards, streaming, unexpected));
      assertThat(streaming.await(WAIT.toSeconds(), TimeUnit.SECONDS))
          .as("every client streams through the node")
          .isTrue();
      // The random moment: after a random number of further acknowledged updates (at most about a
      // second of streaming), so the kill falls anywhere in a write, a commit or a broadcast.
      long further = random.nextInt(40);
      long before = acknowledgedUpdates(all);
      Await.until(
          "the clients' next " + further + " updates acknowledged",
          () -> acknowledgedUpdates(all) >= before + further);
      victim.kill9();
      long killed = System.nanoTime();
      for (Thread client : clients) {
        client.join(WAIT.toMillis());
        assertThat(client.isAlive()).as("a client still waits for the dead node").isFalse();
      }
      assertThat(unexpected).as("answers other than 0 from the node before it died").isEmpty();
      for (List<StreamedCard> cards : readCards) {
        for (StreamedCard card : cards) {
          boolean viewerBehind =
              !ViewerModel.of(viewer, card.cardId).text.equals(card.acknowledged);
          tally.read(
              card,
              textThrough(viaSurvivor, card.messageId),
              System.nanoTime() - killed,
              viewerBehind);
        }
      }
      spare =
          trial < TRIALS
              ? startNodeInBackground()
              : null; // boots while the survivor's viewer is checked
      for (StreamedCard card : all) {
        CardState stored = stored(card.cardId);
        assertThat(text(stored))
            .as("stored text of %s", card.cardId)
            .isIn(card.acknowledged, card.inFlight);
        card.nextTrial(text(stored));
        awaitViewerAt(viewer, card.cardId, stored.version());
      }
      for (StreamedCard card : watchedCards) {
        tally.read(card, textThrough(viaSurvivor, card.messageId), -1, false);
      }
      tally.trialDone(acknowledgedUpdates(all));
      System.out.println(
          "NodeDeathTest: trial "
              + trial
              + " killed the node "
              + further
              + " acknowledged updates after every client streamed; so far "
              + tally);
    }

    for (StreamedCard card : all) {
      ViewerModel page = ViewerModel.of(viewer, card.cardId);
      assertThat(page.anomalies)
          .as("gaps or duplicates on the survivor's viewer of %s", card.cardId)
          .isEmpty();
      assertThat(snapshotsOf(viewer, card.cardId))
          .as("snapshots instead of versions for %s", card.cardId)
          .isZero();
      assertThat(page.increments)
          .as("content versions the viewer received of %s", card.cardId)
          .isEqualTo(contentEvents(card.cardId));
    }
    System.out.println("NodeDeathTest: " + tally);
    assertThat(tally.stale).as("stale reads: %s", tally.staleDetails).isEmpty();
    assertThat(tally.trials).isEqualTo(TRIALS);
  }

  private List<StreamedCard> newCards(BotCalls bot) throws Exception {
    List<StreamedCard> cards = new ArrayList<>();
    for (int i = 0; i < CARDS_PER_CLIENT; i++) {
      String cardId = bot.createCard(BotCalls.STREAMING_CARD);
      cards.add(new StreamedCard(cardId, bot.sendCard("chat_id", seed.chatId, cardId)));
    }
    return cards;
  }

  /**
   * The text of element {@code md} of the card a message shows, read through {@code GET
   * im/v1/messages/:id}.
   */
  private static String textThrough(Client sdk, String messageId) throws Exception {
    GetMessageResp resp =
        sdk.im().v1().message().get(GetMessageReq.newBuilder().messageId(messageId).build());
    assertThat(resp.getCode()).as("get message %s: %s", messageId, resp.getMsg()).isZero();
    JsonNode card = Json.parseOrNull(resp.getData().getItems()[0].getBody().getContent());
    return ElementTree.content(ElementTree.find((ObjectNode) card, "md"));
  }

  private CardState stored(String cardId) {
    LoadedCard loaded = pg.loadCard(cardId).orElseThrow();
    CardState state =
        loaded.snapshot() == null
            ? new CardState(cardId)
            : CardStateCodec.read(cardId, loaded.snapshot().stateJson());
    loaded.eventsAfter().forEach(state::apply);
    return state;
  }

  private long contentEvents(String cardId) {
    return pg.events(cardId, 0, 1_000_000).stream()
        .filter(
            e -> e.type() == EventType.CONTENT_APPENDED || e.type() == EventType.CONTENT_REPLACED)
        .map(CardEvent::version)
        .count();
  }

  private static String text(CardState state) {
    return ElementTree.content(ElementTree.find(state.card(), "md"));
  }

  /**
   * Waits until the viewer's page holds {@code version} of the card (it must come: bounded only to
   * fail, not hang).
   */
  private static void awaitViewerAt(PageSocket viewer, String cardId, long version) {
    Await.until(
        "the survivor's viewer received version " + version + " of " + cardId,
        () -> ViewerModel.of(viewer, cardId).version >= version);
  }

  private static long acknowledgedUpdates(List<StreamedCard> cards) {
    return cards.stream().mapToLong(card -> card.acknowledgedUpdates.get()).sum();
  }

  private static long snapshotsOf(PageSocket viewer, String cardId) {
    return viewer.frames().stream()
        .filter(
            f ->
                "snapshot".equals(f.path("type").asText())
                    && cardId.equals(f.path("card_id").asText()))
        .count();
  }

  /**
   * One card and what its bot was told about it; touched by one client thread during a trial, by
   * the test between.
   */
  private static final class StreamedCard {
    final String cardId;
    final String messageId;
    int nextSequence = 1;
    String text =
        ""; // what the next update extends: the last acknowledged (or, between trials, stored) text
    String acknowledged = "";
    String inFlight; // the update whose answer never came (the node died), or null
    final AtomicInteger acknowledgedUpdates = new AtomicInteger(); // read by the test's thread

    StreamedCard(String cardId, String messageId) {
      this.cardId = cardId;
      this.messageId = messageId;
    }

    void nextTrial(String stored) {
      text = stored;
      acknowledged = stored;
      inFlight = null;
    }
  }

  /**
   * A bot streaming into its cards in turn through one node, one call at a time, until the node
   * stops answering; counts {@code streaming} down once it has {@value #ACKNOWLEDGED_BEFORE_KILL}
   * answers.
   */
  private static final class Streamer {
    static Thread start(
        BotCalls bot, List<StreamedCard> cards, CountDownLatch streaming, List<String> unexpected) {
      Thread thread = new Thread(() -> run(bot, cards, streaming, unexpected), "streamer");
      thread.setDaemon(true);
      thread.start();
      return thread;
    }

    private static void run(
        BotCalls bot, List<StreamedCard> cards, CountDownLatch streaming, List<String> unexpected) {
      for (int i = 0; ; i++) {
        StreamedCard card = cards.get(i % cards.size());
        int sequence = card.nextSequence++;
        String next = card.text + "s" + sequence + " ";
        int code;
        try {
          code = bot.content(card.cardId, next, sequence);
        } catch (Exception e) {
          card.inFlight = next; // the node died: applied or not, nobody told the bot
          return;
        }
        if (code != 0) {
          unexpected.add("content update " + sequence + " of " + card.cardId + " answered " + code);
          streaming.countDown();
          return;
        }
        card.text = next;
        card.acknowledged = next;
        card.acknowledgedUpdates.incrementAndGet();
        if (i + 1 == ACKNOWLEDGED_BEFORE_KILL) {
          streaming.countDown();
        }
      }
    }
  }

  /** What the reads through the survivor found. */
  private static final class Tally {
    int trials;
    long acknowledged;
    int reads;
    int inFlightShown;
    int viewerBehindAtRead;
    long slowestReadNanos;
    final List<String> stale = new ArrayList<>();
    final StringBuilder staleDetails = new StringBuilder();

    void read(StreamedCard card, String shown, long sinceKillNanos, boolean viewerBehind) {
      reads++;
      slowestReadNanos = Math.max(slowestReadNanos, sinceKillNanos);
      if (viewerBehind) {
        viewerBehindAtRead++;
      }
      if (shown.equals(card.acknowledged)) {
        return;
      }
      if (shown.equals(card.inFlight)) {
        inFlightShown++;
        return;
      }
      stale.add(card.cardId);
      staleDetails.append(
          String.format(
              "%ntrial %d, card %s: shows …%s, acknowledged …%s, in flight …%s",
              trials + 1,
              card.cardId,
              tail(shown),
              tail(card.acknowledged),
              card.inFlight == null ? "none" : tail(card.inFlight)));
    }

    void trialDone(long acknowledgedSoFar) {
      trials++;
      acknowledged = acknowledgedSoFar;
    }

    private static String tail(String text) {
      return text.substring(Math.max(0, text.length() - 24));
    }

    @Override
    public String toString() {
      return trials
          + " trials, "
          + acknowledged
          + " acknowledged updates, "
          + reads
          + " reads through the survivor ("
          + inFlightShown
          + " showing the update in flight; "
          + viewerBehindAtRead
          + " while its viewer did not show the last"
          + " acknowledged text yet), "
          + stale.size()
          + " stale; slowest read done "
          + TimeUnit.NANOSECONDS.toMillis(slowestReadNanos)
          + " ms after the node was killed";
    }
  }
}
