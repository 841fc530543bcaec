package io.opencardkit.server.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.lark.oapi.card.CardActionHandler;
import com.lark.oapi.card.model.CardAction;
import com.lark.oapi.core.request.EventReq;
import com.lark.oapi.core.response.EventResp;
import com.lark.oapi.core.utils.Decryptor;
import com.lark.oapi.event.EventDispatcher;
import com.lark.oapi.event.cardcallback.P2CardActionTriggerHandler;
import com.lark.oapi.event.cardcallback.model.CallBackToast;
import com.lark.oapi.event.cardcallback.model.P2CardActionTrigger;
import com.lark.oapi.event.cardcallback.model.P2CardActionTriggerResponse;
import com.lark.oapi.service.im.ImService;
import com.lark.oapi.service.im.v1.model.P2MessageReceiveV1;
import io.opencardkit.core.Json;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * A bot written as a bot author writes it, with the official Java SDK's {@link EventDispatcher}, in
 * one of the two ways Feishu delivers events and card callbacks:
 *
 * <ul>
 *   <li>{@link #webhook()}: a small HTTP server behind {@code event_url} and {@code callback_url}
 *       (put them on a seed with {@link #configure}); the SDK checks the signature, decrypts and
 *       answers the {@code url_verification} challenge, and the handlers also check every event's
 *       verification token. {@link #legacyWebhook()} answers the legacy {@code
 *       card.action.trigger_v1} callback with the SDK's {@link CardActionHandler}.
 *   <li>{@link #longConnection}: no public URL; the SDK's {@code com.lark.oapi.ws.Client} pointed
 *       at OpenCardKit with {@code .domain(baseUrl)}, its dispatcher built with an empty token and
 *       key as the Feishu docs show it.
 * </ul>
 *
 * <p>Either way it records what reached it ({@link #events} once each by event id, as a bot drops
 * duplicates; {@link #attempts} every delivery; {@link #callbacks}) and answers card callbacks with
 * {@link #cardAnswer}. The lists are thread-safe; wait for them with {@link Await#until(String,
 * java.util.function.BooleanSupplier)}.
 */
public final class SdkBot implements AutoCloseable {
  /** One HTTP request as the webhook bot saw it, with the status it answered. */
  public record Delivery(
      String path, String type, Map<String, String> headers, String body, int answeredStatus) {}

  /** The verification token of a webhook bot (empty on a long connection). */
  public final String verificationToken;

  /** The encrypt key of a webhook bot (empty on a long connection). */
  public final String encryptKey;

  /** Events handled, once each by event id (a bot drops duplicates). */
  public final List<P2MessageReceiveV1> events = new CopyOnWriteArrayList<>();

  /**
   * The event id of every delivery attempt that reached the handler, duplicates and failed attempts
   * included.
   */
  public final List<String> attempts = new CopyOnWriteArrayList<>();

  /** Every {@code card.action.trigger} that reached the bot, in order. */
  public final List<P2CardActionTrigger> callbacks = new CopyOnWriteArrayList<>();

  /** Every legacy card callback that reached a {@link #legacyWebhook()} bot. */
  public final List<CardAction> legacyCallbacks = new CopyOnWriteArrayList<>();

  /** Every HTTP request a webhook bot answered, in order (empty on a long connection). */
  public final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

  /** What the bot answers to {@code card.action.trigger}; by default an empty answer. */
  public volatile Function<P2CardActionTrigger, P2CardActionTriggerResponse> cardAnswer =
      e -> new P2CardActionTriggerResponse();

  /**
   * What a {@link #legacyWebhook()} bot answers to the legacy callback; by default an empty object.
   */
  public volatile Function<CardAction, Object> legacyAnswer = a -> Map.of();

  /** How many deliveries of each event to fail (the handler throws, so the SDK answers 500). */
  public volatile int failFirstAttempts;

  /**
   * While set, the first delivery of each event waits in the handler until it is counted down (a
   * bot that hangs).
   */
  public volatile CountDownLatch holdFirstAttempts;

  private final boolean legacy;
  private final Map<String, Boolean> handled = new ConcurrentHashMap<>();
  private Vertx vertx; // a webhook bot's HTTP server
  private HttpServer server;
  private EventDispatcher dispatcher;
  private CardActionHandler legacyHandler;
  private com.lark.oapi.ws.Client wsClient; // a long-connection bot's SDK client
  private ExecutorService starter;

  private SdkBot(boolean webhook, boolean legacy) {
    this.legacy = legacy;
    this.verificationToken =
        webhook ? "vt-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) : "";
    this.encryptKey =
        webhook ? "ek-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) : "";
    this.dispatcher =
        EventDispatcher.newBuilder(verificationToken, encryptKey)
            .onP2MessageReceiveV1(
                new ImService.P2MessageReceiveV1Handler() {
                  @Override
                  public void handle(P2MessageReceiveV1 event) {
                    receive(event);
                  }
                })
            .onP2CardActionTrigger(
                new P2CardActionTriggerHandler() {
                  @Override
                  public P2CardActionTriggerResponse handle(P2CardActionTrigger event) {
                    checkToken(event.getHeader().getToken());
                    callbacks.add(event);
                    return cardAnswer.apply(event);
                  }
                })
            .build();
  }

  /**
   * A webhook bot listening on a free port of 127.0.0.1; {@link #configure} puts its addresses on a
   * seed.
   */
  public static SdkBot webhook() {
    return new SdkBot(true, false).listen();
  }

  /**
   * A webhook bot subscribed to the legacy {@code card.action.trigger_v1}, handled by {@link
   * CardActionHandler}.
   */
  public static SdkBot legacyWebhook() {
    return new SdkBot(true, true).listen();
  }

  /**
   * A bot on a long connection to {@code baseUrl} (one node of a cluster, say) as app {@code
   * appId}, started on a background thread as a bot's main does; it does not wait for the
   * connection to open.
   */
  public static SdkBot longConnection(String baseUrl, String appId, String appSecret) {
    SdkBot bot = new SdkBot(false, false);
    // Reconnecting is the SDK's default; off here so that a closed test server does not keep the
    // client busy.
    bot.wsClient =
        new com.lark.oapi.ws.Client.Builder(appId, appSecret)
            .domain(baseUrl)
            .eventHandler(bot.dispatcher)
            .autoReconnect(false)
            .build();
    bot.starter =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "sdk-bot-" + appId);
              t.setDaemon(true);
              return t;
            });
    bot.starter.execute(bot.wsClient::start);
    return bot;
  }

  /**
   * The seeded bot of {@code server} on a long connection, once the server counts the connection.
   */
  public static SdkBot connect(TestServer server) {
    SdkBot bot = longConnection(server.baseUrl(), server.seed.appId, server.seed.appSecret);
    Await.until(
        "the bot's long connection is open",
        () -> server.server().bots().longConnectionCount(server.seed.appId) == 1);
    return bot;
  }

  /** An answer to a card callback with only a toast. */
  public static P2CardActionTriggerResponse toast(String type, String content) {
    P2CardActionTriggerResponse response = new P2CardActionTriggerResponse();
    CallBackToast toast = new CallBackToast();
    toast.setType(type);
    toast.setContent(content);
    response.setToast(toast);
    return response;
  }

  /** Puts this webhook bot's addresses and secrets on the seed's main app. */
  public SdkBot configure(TestSeed seed) {
    seed.appField("event_url", url("/events"))
        .appField("callback_url", url("/callbacks"))
        .appField("verification_token", verificationToken)
        .appField("encrypt_key", encryptKey);
    if (legacy) {
      seed.appField("card_callback", "card.action.trigger_v1");
    }
    return this;
  }

  /** The address of {@code path} on this webhook bot's HTTP server. */
  public String url(String path) {
    if (server == null) {
      throw new IllegalStateException("a long-connection bot has no address");
    }
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  /**
   * The types of the requests that reached a path, in order ({@code url_verification} or the event
   * type).
   */
  public List<String> typesAt(String path) {
    List<String> types = new ArrayList<>();
    deliveries.stream().filter(d -> d.path().equals(path)).forEach(d -> types.add(d.type()));
    return types;
  }

  /** The first event (handled so far or later) of the message {@code messageId}. */
  public P2MessageReceiveV1 awaitEventOf(String messageId) {
    Await.until("an event of message " + messageId, () -> eventOf(messageId) != null);
    return eventOf(messageId);
  }

  private P2MessageReceiveV1 eventOf(String messageId) {
    return events.stream()
        .filter(e -> messageId.equals(e.getEvent().getMessage().getMessageId()))
        .findFirst()
        .orElse(null);
  }

  private void receive(P2MessageReceiveV1 event) {
    checkToken(event.getHeader().getToken());
    String eventId = event.getHeader().getEventId();
    attempts.add(eventId);
    long attempt = attempts.stream().filter(eventId::equals).count();
    CountDownLatch hold = holdFirstAttempts;
    if (attempt == 1 && hold != null) {
      try {
        hold.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      failOnPurpose("answered too late"); // the server gave up on this attempt long ago
    }
    if (attempt <= failFirstAttempts) {
      failOnPurpose("not now, try again later"); // the SDK answers 500
    }
    if (handled.putIfAbsent(eventId, true) == null) {
      events.add(event);
    }
  }

  /**
   * Fails this delivery as a broken bot would: the SDK answers HTTP 500 and logs the failure, which
   * the test expects.
   */
  private static void failOnPurpose(String why) {
    AfterTestChecks.expectLog(ExpectedLog.Level.ERROR, "com.lark.oapi.event.EventDispatcher", why);
    throw new IllegalStateException(why);
  }

  private void checkToken(String token) {
    if (!verificationToken.isEmpty() && !verificationToken.equals(token)) {
      throw new IllegalStateException("wrong verification token " + token);
    }
  }

  private SdkBot listen() {
    legacyHandler =
        CardActionHandler.newBuilder(
                verificationToken,
                encryptKey,
                action -> {
                  legacyCallbacks.add(action);
                  return legacyAnswer.apply(action);
                })
            .build();
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(this::request).listen(0, "127.0.0.1").await();
    return this;
  }

  private void request(HttpServerRequest request) {
    request
        .body()
        .onSuccess(
            body -> {
              EventReq req = new EventReq();
              Map<String, List<String>> headers = new HashMap<>();
              // The SDK looks headers up by their lower-case names, as its servlet adapters store
              // them.
              request
                  .headers()
                  .forEach(
                      h ->
                          headers
                              .computeIfAbsent(
                                  h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                              .add(h.getValue()));
              req.setHeaders(headers);
              req.setBody(body.getBytes());
              req.setHttpPath(request.path());
              boolean legacyCallback = legacy && request.path().equals("/callbacks");
              vertx
                  .executeBlocking(() -> handle(legacyCallback, req), false)
                  .onComplete(
                      ar -> {
                        EventResp resp = ar.succeeded() ? ar.result() : null;
                        int status = resp == null ? 500 : resp.getStatusCode();
                        deliveries.add(
                            new Delivery(
                                request.path(),
                                typeOf(body),
                                flatten(headers),
                                body.toString(StandardCharsets.UTF_8),
                                status));
                        request
                            .response()
                            .setStatusCode(status)
                            .putHeader("Content-Type", "application/json")
                            .end(
                                resp == null || resp.getBody() == null
                                    ? Buffer.buffer()
                                    : Buffer.buffer(resp.getBody()));
                      });
            });
  }

  private EventResp handle(boolean legacyCallback, EventReq req) throws Exception {
    try {
      return legacyCallback ? legacyHandler.handle(req) : dispatcher.handle(req);
    } catch (Exception | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /**
   * The request's type, decrypting when needed (only for the record: the SDK does its own
   * decryption).
   */
  private String typeOf(Buffer body) {
    JsonNode json = Json.parseOrNull(body.toString(StandardCharsets.UTF_8));
    if (json != null && json.has("encrypt")) {
      json = Json.parseOrNull(new Decryptor(encryptKey).decrypt(json.get("encrypt").asText()));
    }
    if (json == null) {
      return "?";
    }
    if (json.has("type")) {
      return json.get("type").asText();
    }
    return json.path("header")
        .path("event_type")
        .asText(json.has("action") ? "card.action.trigger_v1" : "?");
  }

  private static Map<String, String> flatten(Map<String, List<String>> headers) {
    Map<String, String> flat = new HashMap<>();
    headers.forEach((k, v) -> flat.put(k.toLowerCase(Locale.ROOT), v.get(0)));
    return flat;
  }

  /**
   * Stops the bot. The SDK's long-connection client has no public close (a bot runs until its
   * process ends), so this calls its {@code disconnect()} and stops its worker threads.
   */
  @Override
  public void close() {
    if (vertx != null) {
      vertx.close().await();
    }
    if (wsClient != null) {
      try {
        disconnect();
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("the SDK's client changed: cannot disconnect it", e);
      } finally {
        starter.shutdownNow();
      }
    }
  }

  private void disconnect() throws ReflectiveOperationException {
    // The SDK's client answers each frame on a pool thread; one still answering when the connection
    // is dropped finds it gone and logs "handle message failed" (a NullPointerException inside the
    // SDK). That is the SDK's own shutdown race, not the server's doing.
    AfterTestChecks.expectLog(
        ExpectedLog.Level.ERROR, "com.lark.oapi.ws.Client", "handle message failed");
    // Likewise its OkHttp reader thread, still reading when disconnect() closes the socket, reports
    // the closed socket as a failure (seen once in CI, in BotsAcrossNodesTest's teardown).
    AfterTestChecks.expectLog(
        ExpectedLog.Level.ERROR, "com.lark.oapi.ws.Listener", "SocketException: Socket closed");
    Method disconnect = com.lark.oapi.ws.Client.class.getDeclaredMethod("disconnect");
    disconnect.setAccessible(true);
    disconnect.invoke(wsClient);
    Field executor = com.lark.oapi.ws.Client.class.getDeclaredField("executor");
    executor.setAccessible(true);
    ((ExecutorService) executor.get(wsClient)).shutdownNow();
  }
}
