package io.opencardkit.bench.fanout;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.core.Json;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Bots streaming answers into cards of one group chat through the CardKit HTTP API, the way the
 * official SDKs do: create a streaming card, send it to the chat, then PUT the <em>full</em> text
 * so far (one chunk longer each time) at a fixed rate per card, and when the answer is long enough
 * switch streaming off and start the next card. Each card has at most one call in flight (its
 * sequence numbers must rise), so a slow answer delays the card's next update; latency is counted
 * from the scheduled time of the call, so such delays are charged, not hidden.
 *
 * <p>Before each call that produces a card version, the version's send time goes into the card's
 * {@link CardTrack}; the viewers look it up. Versions are known without asking the server: creating
 * a card is version 1, sending it version 2, and every accepted call after that adds exactly one
 * (each PUT appends at least one character). The probe viewer checks this: the append at offset 0
 * must carry {@link #FIRST_CONTENT_VERSION}.
 *
 * <p>All streams run on one event loop of the load generator, so the class needs no locks; results
 * are read on it.
 */
final class BotFleet {
  static final String ELEMENT_ID = "md";
  static final long FIRST_CONTENT_VERSION = 3;
  private static final String CARD_JSON =
      "{\"schema\":\"2.0\",\"header\":{\"title\":{\"tag\":\"plain_text\",\"content\":\"Answer\"}},"
          + "\"config\":{\"streaming_mode\":true},\"body\":{\"elements\":[{\"tag\":\"markdown\",\"element_id\":\""
          + ELEMENT_ID
          + "\",\"content\":\"\"}]}}";
  private static final String STREAMING_OFF = "{\"config\":{\"streaming_mode\":false}}";

  /**
   * What the bots did in one step; {@code window*} counts only calls sent inside the measured
   * window.
   */
  static final class Counters {
    long contentOk;
    long contentFailed;
    long settingsOk;
    long cardsOpened;
    long appendedBytes;
    long fullTextBytes;
    long windowEvents;
    long windowAppendedBytes;
    long windowFullTextBytes;
    long windowContentOk;
    final LatencyHistogram apiLatency = new LatencyHistogram();

    /**
     * The appended text alone through one permessage-deflate-like stream (level 6, flushed per
     * chunk).
     */
    private final java.util.zip.Deflater deflater = new java.util.zip.Deflater(6, true);

    private final byte[] deflated = new byte[64 * 1024];
    long appendedDeflatedBytes;

    void deflate(String chunk) {
      deflater.setInput(chunk.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      int n;
      while ((n = deflater.deflate(deflated, 0, deflated.length, java.util.zip.Deflater.SYNC_FLUSH))
          > 0) {
        appendedDeflatedBytes += n;
        if (n < deflated.length) {
          break;
        }
      }
    }

    final List<String> errors = new ArrayList<>();

    void error(String e) {
      if (errors.size() < 5) {
        errors.add(e);
      }
    }
  }

  private final Vertx vertx;
  private final Context context;
  private final HttpClient http;
  private final String appId;
  private final String appSecret;
  private final String chatId;
  private final CardTrack.Registry registry;
  private final int chunkChars;
  private final int maxTextChars;
  private final long intervalNanos;
  private final int maxVersion;
  private final Map<String, String> acknowledged =
      new HashMap<>(); // card id -> text the server accepted last
  private String authorization;
  private long corpusPosition;

  BotFleet(
      Vertx vertx,
      Context context,
      String host,
      int port,
      String appId,
      String appSecret,
      String chatId,
      CardTrack.Registry registry,
      int chunkChars,
      int maxTextChars,
      double ratePerCard,
      int maxStreams) {
    this.vertx = vertx;
    this.context = context;
    this.appId = appId;
    this.appSecret = appSecret;
    this.chatId = chatId;
    this.registry = registry;
    this.chunkChars = chunkChars;
    this.maxTextChars = maxTextChars;
    this.intervalNanos = (long) (1e9 / ratePerCard);
    this.maxVersion =
        (int) (FIRST_CONTENT_VERSION + (maxTextChars + chunkChars - 1) / chunkChars + 4);
    this.http =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setDefaultHost(host)
                .setDefaultPort(port)
                .setKeepAlive(true)
                .setTcpNoDelay(true),
            new PoolOptions().setHttp1MaxSize(maxStreams + 8));
  }

  /** Gets a tenant access token (blocks). */
  void authenticate() {
    String body = Json.write(Json.object().put("app_id", appId).put("app_secret", appSecret));
    JsonNode reply =
        onContext(
            () ->
                call(
                    HttpMethod.POST,
                    "/open-apis/auth/v3/tenant_access_token/internal",
                    body,
                    false));
    if (reply.path("code").asInt(-1) != 0) {
      throw new IllegalStateException("token refused: " + reply);
    }
    authorization = "Bearer " + reply.path("tenant_access_token").asText();
  }

  /**
   * Runs {@code streams} streams from {@code startNanos} until {@code stopNanos} (then each closes
   * its card); counts events sent in {@code [windowStart, windowEnd)}. Completes when every stream
   * has stopped.
   */
  CompletableFuture<Counters> run(
      int streams, long startNanos, long windowStart, long windowEnd, long stopNanos) {
    CompletableFuture<Counters> done = new CompletableFuture<>();
    context.runOnContext(
        v -> {
          Counters counters = new Counters();
          List<Future<Void>> stopped = new ArrayList<>();
          for (int i = 0; i < streams; i++) {
            Stream stream =
                new Stream(
                    counters,
                    startNanos + intervalNanos * i / streams,
                    windowStart,
                    windowEnd,
                    stopNanos);
            stopped.add(stream.stopped.future());
            stream.next();
          }
          Future.all(stopped).onComplete(ar -> done.complete(counters));
        });
    return done;
  }

  /**
   * Creates a card and sends it into the chat (blocks); returns its id. Viewers that then receive a
   * card frame of it ({@link #sentinelUpdate}) are registered and past their resume, whatever the
   * protocol version. Not in the registry: its frames are untimed, and they come before any step.
   */
  String sentinel() {
    return onContext(
        () ->
            call(
                    HttpMethod.POST,
                    "/open-apis/cardkit/v1/cards",
                    Json.write(Json.object().put("type", "card_json").put("data", CARD_JSON)),
                    true)
                .compose(
                    created -> {
                      String cardId = created.path("data").path("card_id").asText("");
                      if (created.path("code").asInt(-1) != 0 || cardId.isEmpty()) {
                        return Future.failedFuture("create: " + created);
                      }
                      String content =
                          Json.write(
                              Json.object()
                                  .put("type", "card")
                                  .set("data", Json.object().put("card_id", cardId)));
                      String send =
                          Json.write(
                              Json.object()
                                  .put("receive_id", chatId)
                                  .put("msg_type", "interactive")
                                  .put("content", content));
                      return call(
                              HttpMethod.POST,
                              "/open-apis/im/v1/messages?receive_id_type=chat_id",
                              send,
                              true)
                          .compose(
                              sent ->
                                  sent.path("code").asInt(-1) != 0
                                      ? Future.failedFuture("send: " + sent)
                                      : Future.succeededFuture(cardId));
                    }));
  }

  /**
   * One content update of the sentinel card (blocks): the card frame every viewer should receive.
   */
  void sentinelUpdate(String cardId) {
    JsonNode put =
        onContext(
            () ->
                call(
                    HttpMethod.PUT,
                    "/open-apis/cardkit/v1/cards/"
                        + cardId
                        + "/elements/"
                        + ELEMENT_ID
                        + "/content",
                    Json.write(Json.object().put("content", "ready").put("sequence", 1)),
                    true));
    if (put.path("code").asInt(-1) != 0) {
      throw new IllegalStateException("sentinel update refused: " + put);
    }
  }

  /** Switches streaming off on the sentinel card (blocks), so that the server stops tracking it. */
  void closeSentinel(String cardId) {
    onContext(
        () ->
            call(
                HttpMethod.PATCH,
                "/open-apis/cardkit/v1/cards/" + cardId + "/settings",
                Json.write(Json.object().put("settings", STREAMING_OFF).put("sequence", 2)),
                true));
  }

  /**
   * The text the server last accepted for each card of the run (read after the streams stopped).
   */
  Map<String, String> acknowledgedTexts() {
    return onContext(() -> Future.succeededFuture(new HashMap<>(acknowledged)));
  }

  void close() {
    http.close().await();
  }

  private <T> T onContext(java.util.function.Supplier<Future<T>> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(
        v ->
            work.get()
                .onComplete(
                    ar -> {
                      if (ar.succeeded()) {
                        result.complete(ar.result());
                      } else {
                        result.completeExceptionally(ar.cause());
                      }
                    }));
    return result.join();
  }

  private Future<JsonNode> call(HttpMethod method, String uri, String body, boolean authenticated) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(method)
            .setURI(uri)
            .putHeader("Content-Type", "application/json; charset=utf-8");
    if (authenticated) {
      options.putHeader("Authorization", authorization);
    }
    return http.request(options)
        .compose(request -> request.send(Buffer.buffer(body)))
        .compose(response -> response.body())
        .map(
            buffer -> {
              JsonNode json = Json.parseOrNull(buffer.toString());
              return json == null
                  ? Json.object().put("code", -1).put("msg", "not JSON: " + buffer)
                  : json;
            });
  }

  /** One bot answer after another into cards of the chat; confined to the fleet's event loop. */
  private final class Stream {
    final Promise<Void> stopped = Promise.promise();
    private final Counters counters;
    private final long windowStart;
    private final long windowEnd;
    private final long stopNanos;
    private long nextDue;
    private CardTrack card;
    private String contentUri;
    private String settingsUri;
    private int sequence;
    private long version;
    private final StringBuilder text = new StringBuilder();

    Stream(Counters counters, long firstDue, long windowStart, long windowEnd, long stopNanos) {
      this.counters = counters;
      this.nextDue = firstDue;
      this.windowStart = windowStart;
      this.windowEnd = windowEnd;
      this.stopNanos = stopNanos;
    }

    private long createSentNanos;

    void next() {
      long now = System.nanoTime();
      if (card == null) {
        if (now >= stopNanos) {
          stopped.complete();
        } else {
          open();
        }
      } else if (now >= stopNanos || text.length() >= maxTextChars) {
        closeCard();
      } else if (nextDue > now) {
        vertx.setTimer(Math.max(1, (nextDue - now) / 1_000_000), id -> put());
      } else {
        put();
      }
    }

    private void open() {
      String create = Json.write(Json.object().put("type", "card_json").put("data", CARD_JSON));
      createSentNanos = System.nanoTime();
      call(HttpMethod.POST, "/open-apis/cardkit/v1/cards", create, true)
          .compose(
              created -> {
                if (created.path("code").asInt(-1) != 0) {
                  return Future.failedFuture("create: " + created);
                }
                String cardId = created.path("data").path("card_id").asText();
                String content =
                    Json.write(
                        Json.object()
                            .put("type", "card")
                            .set("data", Json.object().put("card_id", cardId)));
                String send =
                    Json.write(
                        Json.object()
                            .put("receive_id", chatId)
                            .put("msg_type", "interactive")
                            .put("content", content));
                // Registered before the send, so that viewers know the card when its message frame
                // arrives; the send
                // itself makes version 2 (a "sent" card frame).
                card = registry.register(cardId, maxVersion);
                card.sent(1, createSentNanos);
                card.sent(FIRST_CONTENT_VERSION - 1, System.nanoTime());
                return call(
                    HttpMethod.POST,
                    "/open-apis/im/v1/messages?receive_id_type=chat_id",
                    send,
                    true);
              })
          .onComplete(
              ar -> {
                if (ar.failed() || ar.result().path("code").asInt(-1) != 0) {
                  counters.error(ar.failed() ? ar.cause().toString() : "send: " + ar.result());
                  card = null;
                  vertx.setTimer(100, id -> next());
                  return;
                }
                counters.cardsOpened++;
                contentUri =
                    "/open-apis/cardkit/v1/cards/"
                        + card.cardId
                        + "/elements/"
                        + ELEMENT_ID
                        + "/content";
                settingsUri = "/open-apis/cardkit/v1/cards/" + card.cardId + "/settings";
                sequence = 0;
                version = FIRST_CONTENT_VERSION - 1;
                text.setLength(0);
                nextDue = Math.max(nextDue, System.nanoTime());
                next();
              });
    }

    private void put() {
      long due = nextDue;
      nextDue += intervalNanos;
      String chunk = Corpus.chunk(corpusPosition, chunkChars);
      corpusPosition += chunk.length();
      String full = text + chunk;
      long v = ++version;
      card.sent(v, due);
      String body = Json.write(Json.object().put("content", full).put("sequence", ++sequence));
      CardTrack track = card;
      call(HttpMethod.PUT, contentUri, body, true)
          .onComplete(
              ar -> {
                long now = System.nanoTime();
                if (ar.succeeded() && ar.result().path("code").asInt(-1) == 0) {
                  text.append(chunk);
                  acknowledged.put(track.cardId, full);
                  int appended = Corpus.utf8(chunk);
                  int fullBytes = Corpus.utf8(full);
                  counters.contentOk++;
                  counters.appendedBytes += appended;
                  counters.deflate(chunk);
                  counters.fullTextBytes += fullBytes;
                  if (due >= windowStart && due < windowEnd) {
                    counters.windowEvents++;
                    counters.windowContentOk++;
                    counters.windowAppendedBytes += appended;
                    counters.windowFullTextBytes += fullBytes;
                    counters.apiLatency.record((now - due) / 1000);
                  }
                } else {
                  counters.contentFailed++;
                  counters.error(ar.failed() ? ar.cause().toString() : "content: " + ar.result());
                  track.forget(v);
                  version--;
                }
                next();
              });
    }

    private void closeCard() {
      long v = ++version;
      long due = System.nanoTime();
      card.sent(v, due);
      String body =
          Json.write(Json.object().put("settings", STREAMING_OFF).put("sequence", ++sequence));
      call(HttpMethod.PATCH, settingsUri, body, true)
          .onComplete(
              ar -> {
                if (ar.succeeded() && ar.result().path("code").asInt(-1) == 0) {
                  counters.settingsOk++;
                  if (due >= windowStart && due < windowEnd) {
                    counters.windowEvents++;
                  }
                } else {
                  counters.error(ar.failed() ? ar.cause().toString() : "settings: " + ar.result());
                  card.forget(v);
                }
                card = null;
                next();
              });
    }
  }
}
