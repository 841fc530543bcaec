package io.opencardkit.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.core.bus.ClusterBus;
import io.opencardkit.core.card.ElementTree;
import io.opencardkit.core.store.CardStore;
import io.opencardkit.core.store.ForwardingCardStore;
import io.opencardkit.core.store.StorageException;
import io.opencardkit.core.store.StorageFailure;
import io.opencardkit.core.store.WriteBatch;
import io.opencardkit.server.testkit.ExpectedLog;
import io.opencardkit.server.testkit.PageSocket;
import io.opencardkit.server.testkit.TestSeed;
import io.opencardkit.server.testkit.TestServer;
import io.opencardkit.store.sqlite.SqliteCardStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Regression: a snapshot was read from the card's memory while a commit was still on its way, so a
 * page could be shown text that the failed commit then took back. Snapshots now wait for the card's
 * pending commits.
 */
final class SnapshotAfterFailedCommitTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** A store whose next commit can be held back, then failed. */
  private static final class HoldingStore extends ForwardingCardStore {
    volatile CompletableFuture<Void> held;

    HoldingStore(CardStore store) {
      super(store);
    }

    @Override
    public CompletableFuture<Void> commit(WriteBatch batch) {
      CompletableFuture<Void> gate = held;
      return gate == null ? super.commit(batch) : gate;
    }
  }

  private final TestSeed seed = new TestSeed();
  private final HoldingStore store;
  private final TestServer server;
  private final BotCalls bot;

  SnapshotAfterFailedCommitTest() throws Exception {
    Path dir = Files.createTempDirectory("okc-held");
    store = new HoldingStore(SqliteCardStore.open(dir.resolve("cards.db")));
    server =
        TestServer.start(
            seed,
            Clock.systemUTC(),
            Duration.ofMinutes(10),
            UnaryOperator.identity(),
            store,
            ClusterBus.local(),
            false);
    bot = new BotCalls(server.client(), server.server()::runtime);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  @ExpectedLog(
      logger = "io.opencardkit.server.http.Responder",
      message = "the database went away") // the failed commit's call
  void resume_whileACommitIsPendingThatThenFails_getsASnapshotWithoutItsText() throws Exception {
    String cardId = bot.createCard(BotCalls.STREAMING_CARD);
    bot.sendCard("chat_id", seed.chatId, cardId);
    bot.contentOk(cardId, "stored", 1);
    String other = bot.createCard(BotCalls.STREAMING_CARD);
    bot.sendCard("chat_id", seed.chatId, other);
    CompletableFuture<Void> gate = new CompletableFuture<>();
    store.held = gate;
    CompletableFuture<Integer> lost =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return bot.content(cardId, "stored, then lost", 2);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!bot.text(cardId)
        .equals(
            "stored, then lost")) { // decided and applied in memory; its commit waits at the gate
      assertThat(System.nanoTime() - deadline)
          .as("the update reached the card's memory in time")
          .isNegative();
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }

    try (PageSocket alice = PageSocket.open(server.baseUrl(), "user=" + seed.alice, false)) {
      alice.await(f -> "hello".equals(f.path("type").asText()), WAIT, "hello");
      alice.resume(
          "{\"" + cardId + "\":0}"); // older than the window: the server answers with a snapshot
      // The hub answers resumes in order: once the other card's snapshot is here, the first resume
      // was handled.
      alice.resume("{\"" + other + "\":0}");
      alice.await(
          f ->
              "snapshot".equals(f.path("type").asText())
                  && other.equals(f.path("card_id").asText()),
          WAIT,
          "other snapshot");
      store.held = null;
      gate.completeExceptionally(
          new StorageException(StorageFailure.CONNECTION_LOST, "the database went away", null));

      JsonNode snapshot =
          alice.await(
              f ->
                  "snapshot".equals(f.path("type").asText())
                      && cardId.equals(f.path("card_id").asText()),
              WAIT,
              "snapshot");
      assertThat(
              ElementTree.content(
                  ElementTree.find(
                      (com.fasterxml.jackson.databind.node.ObjectNode) snapshot.get("card"), "md")))
          .isEqualTo("stored");
    }
    assertThat(lost.get(20, TimeUnit.SECONDS)).isEqualTo(300000); // the bot heard its update failed
  }
}
