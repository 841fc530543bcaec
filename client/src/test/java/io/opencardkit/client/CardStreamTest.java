package io.opencardkit.client;

import static io.opencardkit.client.Harness.done;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.lark.oapi.service.im.v1.model.CreateMessageReq;
import com.lark.oapi.service.im.v1.model.CreateMessageReqBody;
import io.opencardkit.client.FaultyTransport.Op;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The stream's contract on a healthy server: text, targets, cadence, finish, fail, set, edits. */
final class CardStreamTest {
  private static Harness h;
  private static CardStreams streams;

  @BeforeAll
  static void start() {
    h = new Harness();
    streams = h.streams();
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  @Test
  void append_tokensOverTime_cardShowsAllTextAndFinishClosesWithSummary() throws Exception {
    String answer = Texts.answer(40);
    List<String> tokens = Texts.tokens(answer, 1);
    long contentBefore = h.transport.forwarded(Op.CONTENT);

    CardStream stream = streams.open(Target.chat(h.server.seed.chatId));
    h.appendOverTime(stream, tokens, Duration.ofMillis(10));
    CompletableFuture<List<CardRef>> finished = stream.finish("关于流式的回答");
    h.scheduler.runUntilIdle();

    List<CardRef> cards = done(finished);
    assertThat(cards).hasSize(1);
    Harness.assertSameText(h.shownText(cards.get(0)), answer);
    assertThat(h.summary(cards.get(0).messageId())).isEqualTo("关于流式的回答");
    assertThat(h.streaming(cards.get(0).messageId())).isFalse();
    assertThat(h.chatOf(cards.get(0).messageId())).isEqualTo(h.server.seed.chatId);
    // Tokens arrived every 10 ms for tokens.size() * 10 ms; at 10 updates per second that allows
    // one update per
    // 100 ms (plus the last one), far fewer than one per token.
    long contentCalls = h.transport.forwarded(Op.CONTENT) - contentBefore;
    assertThat(contentCalls).isLessThanOrEqualTo(tokens.size() / 10 + 2).isGreaterThan(1);
    h.transport.assertSequencesNeverReused();
  }

  @Test
  void open_toUser_sendsToTheDirectChat() throws Exception {
    CardStream stream = streams.open(Target.user(h.server.seed.alice));
    stream.append("Hello, Alice");
    CompletableFuture<List<CardRef>> finished = stream.finish();
    h.scheduler.runUntilIdle();

    CardRef card = done(finished).get(0);
    Harness.assertSameText(h.shownText(card), "Hello, Alice");
    assertThat(h.chatOf(card.messageId())).isNotEqualTo(h.server.seed.chatId);
    // finish() without a summary derives the preview from the first line
    assertThat(h.summary(card.messageId())).isEqualTo("Hello, Alice");
  }

  @Test
  void open_asReply_repliesToTheMessage() throws Exception {
    String question = sendText("What is streaming?");
    CardStream stream = streams.open(Target.reply(question));
    stream.append("## Streaming\n\nText that **grows**.");
    CompletableFuture<List<CardRef>> finished = stream.finish();
    h.scheduler.runUntilIdle();

    CardRef card = done(finished).get(0);
    assertThat(h.parentOf(card.messageId())).isEqualTo(question);
    assertThat(h.summary(card.messageId())).isEqualTo("Streaming");
  }

  @Test
  void opened_completesOnceTheFirstCardIsShown_beforeAnyText() throws Exception {
    CardStream stream = streams.open(Target.chat(h.server.seed.chatId));
    CompletableFuture<CardRef> opened = stream.opened();
    assertThat(opened).isNotDone(); // nothing runs until the writer gets a step
    h.scheduler.runUntilIdle();

    CardRef card = done(opened);
    assertThat(h.streaming(card.messageId())).isTrue();
    assertThat(h.summary(card.messageId())).isEqualTo("[生成中...]");
    assertThat(h.shownText(card)).isEmpty();
    stream.finish("empty");
    h.scheduler.runUntilIdle();
  }

  @Test
  void finish_withElements_addsThemBelowTheText_andReplaceElementUpdatesOne() throws Exception {
    CardStream stream = streams.open(Target.chat(h.server.seed.chatId));
    stream.append("Answer text");
    String buttons =
        "{\"tag\":\"button\",\"element_id\":\"fb_yes\",\"text\":{\"tag\":\"plain_text\",\"content\":\"有帮助\"},"
            + "\"behaviors\":[{\"type\":\"callback\",\"value\":{\"vote\":\"yes\"}}]}";
    CompletableFuture<List<CardRef>> finished = stream.finish("done", List.of(buttons));
    h.scheduler.runUntilIdle();
    CardRef card = done(finished).get(0);

    JsonObject shown = h.shownCard(card.messageId());
    assertThat(Harness.findElement(shown, "fb_yes")).isNotNull();
    assertThat(h.summary(card.messageId())).isEqualTo("done");
    assertThat(h.streaming(card.messageId())).isFalse();

    CompletableFuture<Void> replaced =
        stream.replaceElement(
            "fb_yes", "{\"tag\":\"markdown\",\"element_id\":\"fb_yes\",\"content\":\"谢谢\"}");
    h.scheduler.runUntilIdle();
    done(replaced);
    assertThat(
            Harness.findElement(h.shownCard(card.messageId()), "fb_yes")
                .get("content")
                .getAsString())
        .isEqualTo("谢谢");
    Harness.assertSameText(h.shownText(card), "Answer text");
  }

  @Test
  void replaceElement_ofAnUnknownElement_failsThatEditOnly() throws Exception {
    CardStream stream = streams.open(Target.chat(h.server.seed.chatId));
    stream.append("x");
    CompletableFuture<List<CardRef>> finished = stream.finish("x");
    CompletableFuture<Void> bad =
        stream.replaceElement("nope", "{\"tag\":\"markdown\",\"content\":\"?\"}");
    CompletableFuture<Void> good =
        stream.replaceElement(
            CardStream.TEXT_ELEMENT_ID, "{\"tag\":\"markdown\",\"content\":\"edited\"}");
    h.scheduler.runUntilIdle();

    done(finished);
    assertThatThrownBy(() -> done(bad))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(CardStreamException.class);
    done(good);
  }

  @Test
  void fail_keepsTheTextAddsTheErrorAndClosesStreaming() throws Exception {
    CardStream stream = streams.open(Target.chat(h.server.seed.chatId));
    stream.append("Partial answer");
    CompletableFuture<List<CardRef>> failed = stream.fail("模型超时");
    h.scheduler.runUntilIdle();

    CardRef card = done(failed).get(0);
    Harness.assertSameText(h.shownText(card), "Partial answer");
    JsonObject note =
        Harness.findElement(h.shownCard(card.messageId()), CardStream.ERROR_ELEMENT_ID);
    assertThat(note.get("content").getAsString()).isEqualTo("⚠️ 模型超时");
    assertThat(h.summary(card.messageId())).isEqualTo("⚠️ 模型超时");
    assertThat(h.streaming(card.messageId())).isFalse();
  }

  @Test
  void set_replacesTheWholeText() throws Exception {
    CardStream stream = streams.open(Target.chat(h.server.seed.chatId));
    stream.set("思考中…");
    h.scheduler.runFor(Duration.ofMillis(500));
    stream.set("The answer is 42.");
    stream.append(" Really.");
    CompletableFuture<List<CardRef>> finished = stream.finish();
    h.scheduler.runUntilIdle();

    CardRef card = done(finished).get(0);
    Harness.assertSameText(h.shownText(card), "The answer is 42. Really.");
    assertThat(stream.text()).isEqualTo("The answer is 42. Really.");
  }

  @Test
  void appendOrFinish_afterTheEnd_isRefused() {
    CardStream stream = streams.open(Target.chat(h.server.seed.chatId));
    stream.finish();
    assertThatThrownBy(() -> stream.append("late")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(stream::finish).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> stream.fail("late")).isInstanceOf(IllegalStateException.class);
    h.scheduler.runUntilIdle();
  }

  @Test
  void finish_withMalformedElements_isRefusedAtOnce() {
    CardStream stream = streams.open(Target.chat(h.server.seed.chatId));
    assertThatThrownBy(() -> stream.finish("x", List.of("not json")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> stream.finish("x", List.of("{\"no\":\"tag\"}")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                stream.finish(
                    "x",
                    List.of("{\"tag\":\"markdown\",\"element_id\":\"answer\",\"content\":\"\"}")))
        .isInstanceOf(IllegalArgumentException.class);
    stream.finish();
    h.scheduler.runUntilIdle();
  }

  @Test
  void open_toAChatTheBotIsNotIn_failsWithTheServersCode() throws Exception {
    CardStream stream = streams.open(Target.chat("oc_doesnotexist0000000000000000000"));
    stream.append("lost?");
    h.scheduler.runUntilIdle();

    ExecutionException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExecutionException.class, () -> done(stream.opened()));
    CardStreamException failure = (CardStreamException) e.getCause();
    assertThat(failure.operation()).isEqualTo("send");
    assertThat(failure.code()).isEqualTo(230034);
    assertThat(failure.cardId()).isNotNull();
    assertThat(stream.completion()).isCompletedExceptionally();
    // the text stays with the caller
    assertThat(stream.text()).isEqualTo("lost?");
  }

  private static String sendText(String text) throws Exception {
    var resp =
        h.server
            .client()
            .im()
            .v1()
            .message()
            .create(
                CreateMessageReq.newBuilder()
                    .receiveIdType("chat_id")
                    .createMessageReqBody(
                        CreateMessageReqBody.newBuilder()
                            .receiveId(h.server.seed.chatId)
                            .msgType("text")
                            .content("{\"text\":\"" + text + "\"}")
                            .build())
                    .build());
    assertThat(resp.getCode()).isZero();
    return resp.getData().getMessageId();
  }
}
