package io.opencardkit.server.bots;

import com.lark.oapi.card.CardActionHandler;
import com.lark.oapi.card.model.CardAction;
import com.lark.oapi.core.request.EventReq;
import com.lark.oapi.core.response.EventResp;
import com.lark.oapi.core.utils.Decryptor;
import com.lark.oapi.event.EventDispatcher;
import com.lark.oapi.event.cardcallback.P2CardActionTriggerHandler;
import com.lark.oapi.event.cardcallback.model.P2CardActionTrigger;
import com.lark.oapi.event.cardcallback.model.P2CardActionTriggerResponse;
import com.lark.oapi.service.im.ImService;
import com.lark.oapi.service.im.v1.model.P2MessageReceiveV1;
import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.core.Json;
import io.opencardkit.server.testkit.AfterTestChecks;
import io.opencardkit.server.testkit.ExpectedLog;
import io.opencardkit.server.testkit.TestSeed;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * A bot behind {@code event_url} and {@code callback_url}, written as a bot author would: a small Vert.x HTTP server
 * whose requests go to the official Java SDK's {@link EventDispatcher} (events and {@code card.action.trigger}) or,
 * for the legacy callback, its {@link CardActionHandler}. The SDK checks the signature, decrypts, and answers the
 * url_verification challenge; the handlers here also check the verification token of every event.
 */
final class WebhookBot implements AutoCloseable {
  /** One HTTP request as the bot saw it, with what the bot answered. */
  record Seen(String path, String type, Map<String, String> headers, String body, int answeredStatus) {}

  final String verificationToken = "vt-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
  final String encryptKey = "ek-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
  private final boolean legacyCallbacks;
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final EventDispatcher dispatcher;
  private final CardActionHandler legacyHandler;

  final List<Seen> seen = new CopyOnWriteArrayList<>();
  /** The event id of every delivery attempt that reached the handler, duplicates included. */
  final List<String> attempts = new CopyOnWriteArrayList<>();
  /** Events handled once each (by event id, as a bot drops duplicates). */
  final List<P2MessageReceiveV1> events = new CopyOnWriteArrayList<>();
  final List<P2CardActionTrigger> callbacks = new CopyOnWriteArrayList<>();
  final List<CardAction> legacyCallbacksSeen = new CopyOnWriteArrayList<>();
  private final Map<String, Boolean> handled = new ConcurrentHashMap<>();
  /** How many deliveries of each event to fail (the handler throws, so the SDK answers 500). */
  volatile int failFirstAttempts;
  /** While set, the first delivery of each event waits in the handler until it is counted down (a bot that hangs). */
  volatile java.util.concurrent.CountDownLatch holdFirstAttempts;
  /** What the bot answers to {@code card.action.trigger}. */
  volatile Function<P2CardActionTrigger, P2CardActionTriggerResponse> cardAnswer = e -> new P2CardActionTriggerResponse();
  /** What the bot answers to the legacy callback. */
  volatile Function<CardAction, Object> legacyAnswer = a -> Map.of();

  private WebhookBot(boolean legacyCallbacks) {
    this.legacyCallbacks = legacyCallbacks;
    this.dispatcher =
        EventDispatcher.newBuilder(verificationToken, encryptKey)
            .onP2MessageReceiveV1(new ImService.P2MessageReceiveV1Handler() {
              @Override
              public void handle(P2MessageReceiveV1 event) {
                checkToken(event.getHeader().getToken());
                String eventId = event.getHeader().getEventId();
                attempts.add(eventId);
                long attempt = attempts.stream().filter(eventId::equals).count();
                java.util.concurrent.CountDownLatch hold = holdFirstAttempts;
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
            })
            .onP2CardActionTrigger(new P2CardActionTriggerHandler() {
              @Override
              public P2CardActionTriggerResponse handle(P2CardActionTrigger event) {
                checkToken(event.getHeader().getToken());
                callbacks.add(event);
                return cardAnswer.apply(event);
              }
            })
            .build();
    this.legacyHandler =
        CardActionHandler.newBuilder(verificationToken, encryptKey, action -> {
              legacyCallbacksSeen.add(action);
              return legacyAnswer.apply(action);
            })
            .build();
    this.server = vertx.createHttpServer().requestHandler(this::request).listen(0, "127.0.0.1").await();
  }

  static WebhookBot start() {
    return new WebhookBot(false);
  }

  /** A bot subscribed to the legacy {@code card.action.trigger_v1}, handled by {@link CardActionHandler}. */
  static WebhookBot startLegacy() {
    return new WebhookBot(true);
  }

  /** Puts this bot's addresses and secrets on the seed's main app. */
  WebhookBot configure(TestSeed seed) {
    seed.appField("event_url", url("/events")).appField("callback_url", url("/callbacks"))
        .appField("verification_token", verificationToken).appField("encrypt_key", encryptKey);
    if (legacyCallbacks) {
      seed.appField("card_callback", "card.action.trigger_v1");
    }
    return this;
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  /** The types of the requests that reached a path, in order ({@code url_verification} or the event type). */
  List<String> typesAt(String path) {
    List<String> types = new ArrayList<>();
    seen.stream().filter(s -> s.path().equals(path)).forEach(s -> types.add(s.type()));
    return types;
  }

  /** Fails this delivery as a broken bot would: the SDK answers HTTP 500 and logs the failure, which the test expects. */
  private static void failOnPurpose(String why) {
    AfterTestChecks.expectLog(ExpectedLog.Level.ERROR, "com.lark.oapi.event.EventDispatcher", why);
    throw new IllegalStateException(why);
  }

  private void checkToken(String token) {
    if (!verificationToken.equals(token)) {
      throw new IllegalStateException("wrong verification token " + token);
    }
  }

  private void request(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      EventReq req = new EventReq();
      Map<String, List<String>> headers = new HashMap<>();
      // The SDK looks headers up by their lower-case names, as its servlet adapters store them.
      request.headers().forEach(h -> headers.computeIfAbsent(h.getKey().toLowerCase(java.util.Locale.ROOT), k -> new ArrayList<>()).add(h.getValue()));
      req.setHeaders(headers);
      req.setBody(body.getBytes());
      req.setHttpPath(request.path());
      boolean legacy = legacyCallbacks && request.path().equals("/callbacks");
      vertx.executeBlocking(() -> handle(legacy, req), false)
          .onComplete(ar -> {
            EventResp resp = ar.succeeded() ? ar.result() : null;
            int status = resp == null ? 500 : resp.getStatusCode();
            seen.add(new Seen(request.path(), typeOf(body), flatten(headers), body.toString(StandardCharsets.UTF_8), status));
            request.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(resp == null || resp.getBody() == null ? Buffer.buffer() : Buffer.buffer(resp.getBody()));
          });
    });
  }

  private EventResp handle(boolean legacy, EventReq req) throws Exception {
    try {
      return legacy ? legacyHandler.handle(req) : dispatcher.handle(req);
    } catch (Exception | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** The request's type, decrypting when needed (only for the record: the SDK does its own decryption). */
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
    return json.path("header").path("event_type").asText(json.has("action") ? "card.action.trigger_v1" : "?");
  }

  private static Map<String, String> flatten(Map<String, List<String>> headers) {
    Map<String, String> flat = new HashMap<>();
    headers.forEach((k, v) -> flat.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
    return flat;
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
