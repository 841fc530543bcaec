package io.opencardkit.demobot;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.lark.oapi.Client;
import com.lark.oapi.event.EventDispatcher;
import com.lark.oapi.event.cardcallback.P2CardActionTriggerHandler;
import com.lark.oapi.event.cardcallback.model.CallBackToast;
import com.lark.oapi.event.cardcallback.model.P2CardActionTrigger;
import com.lark.oapi.event.cardcallback.model.P2CardActionTriggerData;
import com.lark.oapi.event.cardcallback.model.P2CardActionTriggerResponse;
import com.lark.oapi.service.im.ImService;
import com.lark.oapi.service.im.v1.model.EventMessage;
import com.lark.oapi.service.im.v1.model.EventSender;
import com.lark.oapi.service.im.v1.model.P2MessageReceiveV1;
import io.opencardkit.client.CardRef;
import io.opencardkit.client.CardStream;
import io.opencardkit.client.CardStreams;
import io.opencardkit.client.Target;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The built-in demo bot: answers every message it receives with a streamed markdown answer from a
 * {@link SimulatedModel}, closes streaming, adds a feedback selector (有帮助 / 没帮助) below the answer,
 * and thanks the user on the card once they pick one. It talks to the server only as a bot does:
 * the official SDK's long connection for events and callbacks, and the streaming helper ({@link
 * CardStream}) for cards.
 *
 * <p>Start it with {@link #start(String, String, String)}; the returned handle stops it.
 */
public final class DemoBot {
  private static final System.Logger LOG = System.getLogger(DemoBot.class.getName());

  /**
   * How many answers the bot remembers for feedback (and how many message ids for de-duplication).
   */
  private static final int REMEMBERED = 1000;

  private final CardStreams streams;
  private final SimulatedModel model;
  private final ExecutorService generating;
  private final Map<String, CompletableFuture<List<CardRef>>> byQuestion =
      lru(); // guarded by itself; question → answer
  private final Map<String, Answer> byMessage =
      lru(); // guarded by itself; message id of an answer's last card → answer

  /** A running demo bot; {@link #close} disconnects it and stops its threads. */
  public interface Running extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * What the bot did with a card callback: the response for the client, and the card update it
   * started.
   */
  record Feedback(P2CardActionTriggerResponse response, CompletableFuture<Void> cardUpdated) {}

  /**
   * An answer the user can rate once: {@code update} is null until then, afterwards the thank-you's
   * card update.
   */
  private record Answer(CardStream stream, AtomicReference<CompletableFuture<Void>> update) {}

  DemoBot(CardStreams streams, SimulatedModel model) {
    this.streams = Objects.requireNonNull(streams, "streams");
    this.model = Objects.requireNonNull(model, "model");
    AtomicInteger counter = new AtomicInteger();
    this.generating =
        Executors.newFixedThreadPool(
            8,
            r -> {
              Thread t = new Thread(r, "okc-demo-bot-model-" + counter.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Connects the demo bot to the server at {@code baseUrl} as the app {@code appId} and starts
   * answering, with the model at {@value SimulatedModel#DEFAULT_TOKENS_PER_SECOND} tokens per
   * second. Returns at once; the connection is made (and re-made) in the background.
   */
  public static Running start(String baseUrl, String appId, String appSecret) {
    return start(baseUrl, appId, appSecret, SimulatedModel.DEFAULT_TOKENS_PER_SECOND);
  }

  /**
   * Like {@link #start(String, String, String)}, with the model streaming {@code tokensPerSecond}.
   */
  public static Running start(String baseUrl, String appId, String appSecret, int tokensPerSecond) {
    Client sdk = Client.newBuilder(appId, appSecret).openBaseUrl(baseUrl).build();
    CardStreams streams = CardStreams.builder(sdk).build();
    DemoBot bot = new DemoBot(streams, new SimulatedModel(tokensPerSecond));
    LongConnection connection = new LongConnection(baseUrl, appId, appSecret, bot.dispatcher());
    connection.start();
    return () -> {
      connection.close();
      bot.close();
    };
  }

  /** The handlers the long connection dispatches to: messages and card callbacks. */
  EventDispatcher dispatcher() {
    return EventDispatcher.newBuilder("", "")
        .onP2MessageReceiveV1(
            new ImService.P2MessageReceiveV1Handler() {
              @Override
              public void handle(P2MessageReceiveV1 event) {
                onMessage(event);
              }
            })
        .onP2CardActionTrigger(
            new P2CardActionTriggerHandler() {
              @Override
              public P2CardActionTriggerResponse handle(P2CardActionTrigger event) {
                return onCardAction(event).response();
              }
            })
        .build();
  }

  /**
   * Starts answering a user's message (a redelivered message is answered once, a bot's message
   * never) and returns at once. The future completes with the answer's cards once it is finished,
   * feedback selector included.
   */
  CompletableFuture<List<CardRef>> onMessage(P2MessageReceiveV1 event) {
    EventMessage message = event.getEvent().getMessage();
    EventSender sender = event.getEvent().getSender();
    if (sender != null && "app".equals(sender.getSenderType())) {
      return CompletableFuture.completedFuture(
          List.of()); // never answer a bot (ourselves included): no loops
    }
    String messageId = message.getMessageId();
    CompletableFuture<List<CardRef>> done = new CompletableFuture<>();
    synchronized (byQuestion) {
      CompletableFuture<List<CardRef>> earlier = byQuestion.putIfAbsent(messageId, done);
      if (earlier != null) {
        return earlier;
      }
    }
    String prompt = promptOf(message);
    CardStream stream = streams.open(Target.reply(messageId));
    generating.execute(() -> generate(stream, prompt));
    stream
        .completion()
        .whenComplete(
            (cards, failure) -> {
              if (failure != null) {
                LOG.log(
                    System.Logger.Level.WARNING, "answer to " + messageId + " failed: " + failure);
                done.completeExceptionally(failure);
                return;
              }
              synchronized (byMessage) {
                byMessage.put(
                    cards.get(cards.size() - 1).messageId(),
                    new Answer(stream, new AtomicReference<>()));
              }
              done.complete(cards);
            });
    return done;
  }

  /**
   * Handles a click on the feedback selector: thanks the user with a toast at once, and replaces
   * the selector on the card with a thank-you through the answer's stream (after the response, as
   * Feishu requires).
   */
  Feedback onCardAction(P2CardActionTrigger event) {
    P2CardActionTriggerData data = event.getEvent();
    Map<String, Object> value =
        data == null || data.getAction() == null ? null : data.getAction().getValue();
    if (value == null || !FeedbackCard.KIND.equals(value.get(FeedbackCard.KIND_KEY))) {
      return new Feedback(
          new P2CardActionTriggerResponse(), CompletableFuture.completedFuture(null));
    }
    String vote = String.valueOf(value.get(FeedbackCard.VOTE_KEY));
    String messageId = data.getContext() == null ? null : data.getContext().getOpenMessageId();
    Answer answer;
    synchronized (byMessage) {
      answer = messageId == null ? null : byMessage.get(messageId);
    }
    if (answer == null) {
      // Not an answer of this run (the bot restarted): thank the user, leave the card alone.
      return new Feedback(toast("success", "感谢反馈！"), CompletableFuture.completedFuture(null));
    }
    CompletableFuture<Void> update = new CompletableFuture<>();
    if (!answer.update().compareAndSet(null, update)) {
      return new Feedback(toast("info", "已经收到你的反馈了"), answer.update().get());
    }
    answer.stream()
        .replaceElement(FeedbackCard.ELEMENT_ID, FeedbackCard.thanks(vote))
        .whenComplete(
            (v, e) -> {
              if (e == null) {
                update.complete(null);
              } else {
                update.completeExceptionally(e);
              }
            });
    return new Feedback(toast("success", "感谢反馈！"), update);
  }

  /** Stops generating and writing; answers in progress fail. */
  void close() {
    generating.shutdownNow();
    streams.close();
    try {
      generating.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void generate(CardStream stream, String prompt) {
    try {
      model.stream(prompt, stream::append);
      stream.finish(summaryOf(prompt), FeedbackCard.elements());
    } catch (InterruptedException e) {
      stream.fail("回答被中断");
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      stream.fail("回答失败：" + e.getMessage());
    }
  }

  static String summaryOf(String prompt) {
    String topic = prompt.strip().replaceAll("\\s+", " ");
    return "演示回答：" + (topic.length() <= 30 ? topic : topic.substring(0, 29) + "…");
  }

  /**
   * The text of a text message, or of a post (its paragraphs on lines of their own),
   * without @-mentions; other kinds of messages get a description.
   */
  static String promptOf(EventMessage message) {
    boolean post = "post".equals(message.getMessageType());
    if (!("text".equals(message.getMessageType()) || post) || message.getContent() == null) {
      return "一条" + message.getMessageType() + "消息";
    }
    try {
      JsonElement content = JsonParser.parseString(message.getContent());
      String text =
          post
              ? postText(content)
              : textOf(content.isJsonObject() ? content.getAsJsonObject().get("text") : null);
      String prompt = text.replaceAll("@_user_\\d+", "").strip();
      return prompt.isEmpty() ? "你好" : prompt;
    } catch (RuntimeException e) {
      return "你好";
    }
  }

  /** A post's text runs and links, one line per paragraph (mentions and pictures left out). */
  private static String postText(JsonElement content) {
    StringBuilder out = new StringBuilder();
    JsonElement paragraphs =
        content.isJsonObject() ? content.getAsJsonObject().get("content") : null;
    if (paragraphs == null || !paragraphs.isJsonArray()) {
      return "";
    }
    for (JsonElement paragraph : paragraphs.getAsJsonArray()) {
      if (out.length() > 0) {
        out.append('\n');
      }
      if (!paragraph.isJsonArray()) {
        continue;
      }
      for (JsonElement element : paragraph.getAsJsonArray()) {
        if (element.isJsonObject()
            && element.getAsJsonObject().has("text")
            && !"at".equals(textOf(element.getAsJsonObject().get("tag")))) {
          out.append(textOf(element.getAsJsonObject().get("text")));
        }
      }
    }
    return out.toString();
  }

  private static String textOf(JsonElement value) {
    return value == null || !value.isJsonPrimitive() ? "" : value.getAsString();
  }

  private static P2CardActionTriggerResponse toast(String type, String content) {
    CallBackToast toast = new CallBackToast();
    toast.setType(type);
    toast.setContent(content);
    P2CardActionTriggerResponse response = new P2CardActionTriggerResponse();
    response.setToast(toast);
    return response;
  }

  /**
   * A map that forgets its least recently used entries beyond {@link #REMEMBERED}; callers
   * synchronize on it.
   */
  private static <V> Map<String, V> lru() {
    return new LinkedHashMap<String, V>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > REMEMBERED;
      }
    };
  }
}
