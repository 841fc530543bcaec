package io.opencardkit.server.durability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.Json;
import io.opencardkit.server.testkit.BotApi;
import io.opencardkit.server.testkit.ServerProcess;
import io.opencardkit.server.testkit.TestSeed;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acknowledged means durable: a server killed with SIGKILL (no shutdown hook, no flush) and
 * restarted on the same data directory shows every acknowledged change, never a half-applied one,
 * and keeps its sequence and idempotency state.
 *
 * <p>The server answers a mutation only after the store's group commit is fsynced, so after a crash
 * each card holds its last acknowledged update or, at most, the one update that was in flight
 * (applied and fsynced, but the answer never reached the client). Each streaming thread has at most
 * one call in flight, so that window is exactly one sequence wide.
 */
final class KillNineTest {
  private static final int CARDS = 4;
  private static final int ACKS_BEFORE_KILL = 600;
  private static final int MAX_SEQUENCE =
      2_500; // keeps the growing text well below the 30 KB card limit
  private static final Duration STREAM_DEADLINE = Duration.ofSeconds(30);
  private static final String ANSWER = "md_answer";

  @TempDir Path tmp;

  /**
   * One card and what its streaming thread saw; written by that thread only, read after it ended.
   */
  private static final class Stream {
    final String cardId;
    final String messageId;
    volatile int attempted; // highest sequence sent (0 before the first call)
    volatile int acked; // highest sequence answered with code 0
    volatile String refusal; // a non-zero answer, which no call of this test should get
    volatile Throwable transportFailure; // how the stream ended: the kill, normally

    Stream(String cardId, String messageId) {
      this.cardId = cardId;
      this.messageId = messageId;
    }

    @Override
    public String toString() {
      return "card "
          + cardId
          + " (acked "
          + acked
          + ", attempted "
          + attempted
          + ", ended by "
          + transportFailure
          + ")";
    }
  }

  @Test
  void streamingContent_killNineMidStream_acknowledgedTextSequenceAndUuidsSurvive()
      throws Exception {
    TestSeed seed = new TestSeed();
    List<String> args = List.of("--seed", seed.writeTo(tmp).toString());
    Path data = tmp.resolve("data");
    List<Stream> streams = new ArrayList<>();

    try (ServerProcess server = ServerProcess.start(data, args)) {
      BotApi sdk = BotApi.of(server.baseUrl(), seed.appId, seed.appSecret);
      for (int i = 0; i < CARDS; i++) {
        String cardId = sdk.createCard(Json.write(streamingCard()));
        streams.add(new Stream(cardId, sdk.sendCardToChat(seed.chatId, cardId)));
      }
      AtomicInteger acks = new AtomicInteger();
      CountDownLatch enough = new CountDownLatch(1);
      long deadline = System.nanoTime() + STREAM_DEADLINE.toNanos();
      List<Thread> threads = new ArrayList<>();
      for (Stream stream : streams) {
        Thread thread =
            new Thread(
                () -> stream(sdk, stream, acks, enough, deadline), "stream-" + stream.cardId);
        threads.add(thread);
        thread.start();
      }
      boolean reached = enough.await(STREAM_DEADLINE.toSeconds(), TimeUnit.SECONDS);
      server
          .kill9(); // while every thread is streaming: each has a call in flight or about to go out
      for (Thread thread : threads) {
        thread.join(Duration.ofSeconds(30).toMillis());
        assertThat(thread.isAlive())
            .as("%s still running after the kill", thread.getName())
            .isFalse();
      }
      assertThat(reached)
          .as("%d acknowledgements within %s: %s", ACKS_BEFORE_KILL, STREAM_DEADLINE, streams)
          .isTrue();
      for (Stream stream : streams) {
        assertThat(stream.refusal).as("refusal before the kill for %s", stream).isNull();
        assertThat(stream.acked).as("acknowledged updates of %s", stream).isPositive();
        assertThat(stream.transportFailure)
            .as("%s was still streaming when the server died", stream)
            .isNotNull();
      }
    }

    try (ServerProcess restarted = ServerProcess.start(data, args)) {
      BotApi sdk = BotApi.of(restarted.baseUrl(), seed.appId, seed.appSecret);
      for (Stream stream : streams) {
        verifyAfterRestart(sdk, stream);
      }
    }
  }

  private static void stream(
      BotApi sdk, Stream stream, AtomicInteger acks, CountDownLatch enough, long deadline) {
    for (int sequence = 1; sequence <= MAX_SEQUENCE && System.nanoTime() < deadline; sequence++) {
      stream.attempted = sequence;
      int code;
      try {
        code =
            sdk.content(
                    stream.cardId, ANSWER, text(sequence), sequence, uuid(stream.cardId, sequence))
                .getCode();
      } catch (
          Exception
              e) { // the connection died with the server: this update may or may not have landed
        stream.transportFailure = e;
        return;
      }
      if (code != 0) {
        stream.refusal = "sequence " + sequence + " answered with code " + code;
        return;
      }
      stream.acked = sequence;
      if (acks.incrementAndGet() == ACKS_BEFORE_KILL) {
        enough.countDown();
      }
    }
  }

  private static void verifyAfterRestart(BotApi sdk, Stream s) throws Exception {
    int acked = s.acked;
    // One call in flight at most, so the card shows text(acked) or text(acked + 1): never shorter,
    // never in between.
    String shownText = answerOf(sdk, s);
    int shown = sequenceOf(shownText, acked, s.attempted, s);

    // The same uuid with the same request is a replay: success, and nothing is applied again.
    assertThat(sdk.content(s.cardId, ANSWER, text(acked), acked, uuid(s.cardId, acked)).getCode())
        .as("replay of the last acknowledged update of %s", s)
        .isZero();
    assertThat(answerOf(sdk, s)).as("text after the replay, %s", s).isEqualTo(shownText);

    // The stored high-water mark is at least the last acknowledged sequence...
    assertThat(
            sdk.content(s.cardId, ANSWER, "stale", acked, "stale-" + uuid(s.cardId, acked))
                .getCode())
        .as("the last acknowledged sequence again, fresh uuid, %s", s)
        .isEqualTo(300317);
    // ...and exactly the sequence whose text is shown: the next one is refused only if the
    // in-flight one landed.
    int expected = shown == acked ? 0 : 300317;
    assertThat(
            sdk.content(
                    s.cardId,
                    ANSWER,
                    text(acked + 1),
                    acked + 1,
                    "next-" + uuid(s.cardId, acked + 1))
                .getCode())
        .as("sequence %d after restart (card shows sequence %d), %s", acked + 1, shown, s)
        .isEqualTo(expected);

    // Streaming goes on where it stopped.
    assertThat(
            sdk.content(s.cardId, ANSWER, text(acked + 2), acked + 2, uuid(s.cardId, acked + 2))
                .getCode())
        .as("streaming after restart, %s", s)
        .isZero();
    assertThat(answerOf(sdk, s)).as("text after streaming on, %s", s).isEqualTo(text(acked + 2));
  }

  private static String answerOf(BotApi sdk, Stream s) throws Exception {
    return sdk.shownCard(s.messageId).at("/body/elements/0/content").asText(null);
  }

  /** The sequence in {@code lowest..highest} whose text is {@code content}. */
  private static int sequenceOf(String content, int lowest, int highest, Stream s) {
    for (int k = lowest; k <= highest; k++) {
      if (text(k).equals(content)) {
        return k;
      }
    }
    throw new AssertionError(
        s
            + " shows neither its last acknowledged text nor a later one it sent; it shows "
            + (content == null
                ? "no text"
                : content.length() + " characters ending in '" + tail(content) + "'"));
  }

  @Test
  void settingsAndElementChanges_killNineRightAfterAck_surviveRestart() throws Exception {
    TestSeed seed = new TestSeed();
    List<String> args = List.of("--seed", seed.writeTo(tmp).toString());
    Path data = tmp.resolve("data");
    ObjectNode card = streamingCard();
    ((ArrayNode) card.at("/body/elements"))
        .insertObject(0)
        .put("tag", "markdown")
        .put("element_id", "md_intro")
        .put("content", "Intro");
    String batch =
        "[{\"action\":\"partial_update_element\",\"params\":{\"element_id\":\"md_answer\",\"partial_element\":{\"content\":\"final answer\"}}},"
            + "{\"action\":\"add_elements\",\"params\":{\"type\":\"insert_before\",\"target_element_id\":\"md_answer\","
            + "\"elements\":[{\"tag\":\"markdown\",\"element_id\":\"md_batch\",\"content\":\"from batch\"}]}}]";
    String cardId;
    String messageId;
    JsonNode beforeKill;

    try (ServerProcess server = ServerProcess.start(data, args)) {
      BotApi sdk = BotApi.of(server.baseUrl(), seed.appId, seed.appSecret);
      cardId = sdk.createCard(Json.write(card));
      messageId = sdk.sendCardToChat(seed.chatId, cardId);
      ObjectNode summary = Json.object();
      summary
          .putObject("config")
          .put("width_mode", "fill")
          .putObject("summary")
          .put("content", "answering");
      ack(sdk.settings(cardId, Json.write(summary), 1, "op-1").getCode(), "settings");
      ack(sdk.content(cardId, ANSWER, "partial answer", 2, "op-2").getCode(), "content");
      ack(
          sdk.addElements(
                  cardId,
                  "append",
                  null,
                  "[{\"tag\":\"markdown\",\"element_id\":\"md_extra\",\"content\":\"extra\"},{\"tag\":\"hr\",\"element_id\":\"hr_1\"}]",
                  3,
                  "op-3")
              .getCode(),
          "append");
      ack(
          sdk.patchElement(cardId, "md_intro", "{\"content\":\"Intro, patched\"}", 4, "op-4")
              .getCode(),
          "patch");
      ack(
          sdk.updateElement(
                  cardId,
                  "md_extra",
                  "{\"tag\":\"markdown\",\"element_id\":\"md_extra2\",\"content\":\"replaced\"}",
                  5,
                  "op-5")
              .getCode(),
          "update");
      ack(sdk.deleteElement(cardId, "hr_1", 6, "op-6").getCode(), "delete");
      ack(sdk.batch(cardId, batch, 7, "op-7").getCode(), "batch_update");
      ObjectNode close = Json.object();
      close
          .putObject("config")
          .put("streaming_mode", false)
          .putObject("summary")
          .put("content", "done");
      ack(sdk.settings(cardId, Json.write(close), 8, "op-8").getCode(), "close streaming");
      beforeKill = sdk.shownCard(messageId);
      server.kill9();
    }
    assertThat(beforeKill)
        .as("the card after eight acknowledged changes")
        .isEqualTo(expectedFinalCard());

    try (ServerProcess restarted = ServerProcess.start(data, args)) {
      BotApi sdk = BotApi.of(restarted.baseUrl(), seed.appId, seed.appSecret);
      assertThat(sdk.shownCard(messageId))
          .as("the card after kill -9 and restart")
          .isEqualTo(beforeKill);
      assertThat(sdk.batch(cardId, batch, 7, "op-7").getCode())
          .as("replay of the batch by its uuid")
          .isZero();
      assertThat(sdk.deleteElement(cardId, "md_extra2", 8, "stale").getCode())
          .as("sequence 8 again")
          .isEqualTo(300317);
      assertThat(sdk.shownCard(messageId))
          .as("the card after a replay and a refusal")
          .isEqualTo(beforeKill);
      assertThat(sdk.deleteElement(cardId, "md_extra2", 9, "op-9").getCode())
          .as("the next sequence")
          .isZero();
    }
  }

  private static ObjectNode expectedFinalCard() {
    ObjectNode card = Json.object().put("schema", "2.0");
    ObjectNode config =
        card.putObject("config").put("streaming_mode", false).put("width_mode", "fill");
    config.putObject("summary").put("content", "done");
    card.putObject("header")
        .putObject("title")
        .put("tag", "plain_text")
        .put("content", "Durability");
    ArrayNode elements = card.putObject("body").putArray("elements");
    elements
        .addObject()
        .put("tag", "markdown")
        .put("element_id", "md_intro")
        .put("content", "Intro, patched");
    elements
        .addObject()
        .put("tag", "markdown")
        .put("element_id", "md_batch")
        .put("content", "from batch");
    elements
        .addObject()
        .put("tag", "markdown")
        .put("element_id", ANSWER)
        .put("content", "final answer");
    elements
        .addObject()
        .put("tag", "markdown")
        .put("element_id", "md_extra2")
        .put("content", "replaced");
    return card;
  }

  private static ObjectNode streamingCard() {
    ObjectNode card = Json.object().put("schema", "2.0");
    card.putObject("config").put("streaming_mode", true);
    card.putObject("header")
        .putObject("title")
        .put("tag", "plain_text")
        .put("content", "Durability");
    card.putObject("body")
        .putArray("elements")
        .addObject()
        .put("tag", "markdown")
        .put("element_id", ANSWER)
        .put("content", "");
    return card;
  }

  /** The full text of update {@code sequence}: each update extends the previous one by one word. */
  static String text(int sequence) {
    StringBuilder text = new StringBuilder("Answer:");
    for (int i = 1; i <= sequence; i++) {
      text.append(" w").append(i);
    }
    return text.toString();
  }

  private static String uuid(String cardId, int sequence) {
    return "k9-" + cardId + "-" + sequence;
  }

  private static void ack(int code, String what) {
    assertThat(code).as("%s acknowledged", what).isZero();
  }

  private static String tail(String text) {
    return text.length() <= 40 ? text : text.substring(text.length() - 40);
  }
}
