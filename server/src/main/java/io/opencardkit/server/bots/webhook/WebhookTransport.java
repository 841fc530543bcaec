package io.opencardkit.server.bots.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.Json;
import io.opencardkit.server.bots.BotReply;
import io.opencardkit.server.bots.DeliveryFailure;
import io.opencardkit.server.bots.EventPayloads;
import io.opencardkit.server.bots.RandomIds;
import io.opencardkit.server.directory.App;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Delivers to a bot's HTTP endpoint ({@code event_url}, {@code callback_url}) as Feishu does: the
 * body encrypted with the app's Encrypt Key and signed ({@code X-Lark-Request-Timestamp}, {@code
 * X-Lark-Request-Nonce}, {@code X-Lark-Signature}), and a URL is used only after it answered
 * Feishu's {@code url_verification} challenge.
 *
 * <p>Implementation notes: requests go through one Vert.x HTTP client; each has an overall deadline
 * on the injected clock, shared by the URL's verification and the delivery. A tick every {@value
 * #TICK_MILLIS} ms resets the requests whose deadline passed, so a bot that accepts the connection
 * and never answers costs one entry in a set, and a test moves the clock instead of waiting for the
 * deadline. A URL's verification is remembered for the life of the process once it succeeded; a
 * failed one is forgotten, so the next delivery asks again.
 */
public final class WebhookTransport implements AutoCloseable {
  private static final long TICK_MILLIS = 100;

  /** How a body is secured. */
  public enum Security {
    /**
     * Events and {@code card.action.trigger}: encrypted and SHA-256-signed when the app has an
     * Encrypt Key.
     */
    EVENT,
    /**
     * The legacy {@code card.action.trigger_v1}: never encrypted, SHA-1-signed with the
     * Verification Token.
     */
    LEGACY_CARD
  }

  private final Vertx vertx;
  private final Clock clock;
  private final HttpClientAgent http;
  private final Map<String, CompletableFuture<Void>> verified = new ConcurrentHashMap<>();
  private final Set<Request> inFlight = ConcurrentHashMap.newKeySet();
  private final long timerId;

  /**
   * A request sent and not yet answered, with the {@link Clock#millis()} after which it is given
   * up.
   */
  private record Request(
      String url,
      long deadlineMillis,
      CompletableFuture<BotReply> reply,
      AtomicBoolean done,
      AtomicReference<HttpClientRequest> sent) {}

  /**
   * @param clock the server's clock: signature timestamps, and the deadlines of requests (read
   *     every {@value #TICK_MILLIS} ms)
   */
  public WebhookTransport(Vertx vertx, Clock clock) {
    this.vertx = vertx;
    this.clock = clock;
    this.http =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true).setVerifyHost(true),
            new PoolOptions().setHttp1MaxSize(16));
    this.timerId = vertx.setPeriodic(TICK_MILLIS, id -> expireOverdue());
  }

  /**
   * Verifies the URL (once) and posts the payload, both within {@code timeout} on the clock;
   * completes with the bot's answer or a {@link DeliveryFailure}.
   */
  public CompletableFuture<BotReply> deliver(
      App app, String url, ObjectNode payload, Security security, Duration timeout) {
    long deadline = clock.millis() + timeout.toMillis();
    return verify(app, url, security, deadline)
        .thenCompose(v -> post(app, url, payload, security, deadline));
  }

  private CompletableFuture<Void> verify(
      App app, String url, Security security, long deadlineMillis) {
    String key = security + " " + url + " " + app.appId();
    CompletableFuture<Void> fresh = new CompletableFuture<>();
    CompletableFuture<Void> current =
        verified.compute(
            key, (k, old) -> old != null && !old.isCompletedExceptionally() ? old : fresh);
    if (current != fresh) {
      return current; // verified, or being verified by a concurrent delivery
    }
    String challenge = RandomIds.hex(16);
    post(app, url, EventPayloads.urlVerification(app, challenge), security, deadlineMillis)
        .whenComplete(
            (reply, failure) -> {
              if (failure != null) {
                verified.remove(key, fresh);
                fresh.completeExceptionally(failure);
                return;
              }
              JsonNode answer = Json.parseOrNull(reply.body());
              if (reply.ok()
                  && answer != null
                  && challenge.equals(answer.path("challenge").asText(null))) {
                fresh.complete(null);
              } else {
                verified.remove(key, fresh);
                fresh.completeExceptionally(
                    new DeliveryFailure(
                        DeliveryFailure.Reason.NO_ENDPOINT,
                        url
                            + " did not answer the url_verification challenge (HTTP "
                            + reply.status()
                            + ")"));
              }
            });
    return fresh;
  }

  /** One signed (and maybe encrypted) POST, given up at {@code deadlineMillis} on the clock. */
  private CompletableFuture<BotReply> post(
      App app, String url, ObjectNode payload, Security security, long deadlineMillis) {
    String plain = Json.write(payload);
    boolean encrypt = security == Security.EVENT && notEmpty(app.encryptKey());
    String body =
        encrypt
            ? Json.write(Json.object().put("encrypt", EventCrypto.encrypt(app.encryptKey(), plain)))
            : plain;
    RequestOptions options;
    try {
      options =
          new RequestOptions()
              .setMethod(HttpMethod.POST)
              .setAbsoluteURI(url)
              .setConnectTimeout(Math.max(1, deadlineMillis - clock.millis()));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(
          new DeliveryFailure(DeliveryFailure.Reason.NO_ENDPOINT, "not a usable URL: " + url));
    }
    options
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("User-Agent", "OpenCardKit");
    String timestamp = Long.toString(clock.millis() / 1000);
    String nonce = RandomIds.hex(8);
    if (security == Security.EVENT && notEmpty(app.encryptKey())) {
      sign(
          options,
          timestamp,
          nonce,
          EventCrypto.sha256Signature(timestamp, nonce, app.encryptKey(), body));
    } else if (security == Security.LEGACY_CARD && notEmpty(app.verificationToken())) {
      sign(
          options,
          timestamp,
          nonce,
          EventCrypto.sha1Signature(timestamp, nonce, app.verificationToken(), body));
    }
    Request pending =
        new Request(
            url,
            deadlineMillis,
            new CompletableFuture<>(),
            new AtomicBoolean(),
            new AtomicReference<>());
    CompletableFuture<BotReply> reply = pending.reply();
    AtomicBoolean done = pending.done();
    AtomicReference<HttpClientRequest> sent = pending.sent();
    inFlight.add(pending);
    reply.whenComplete((r, e) -> inFlight.remove(pending));
    http.request(options)
        .compose(
            request -> {
              sent.set(request);
              return request.send(Buffer.buffer(body, StandardCharsets.UTF_8.name()));
            })
        .compose(
            response ->
                response
                    .body()
                    .map(
                        b ->
                            new BotReply(
                                response.statusCode(), b.toString(StandardCharsets.UTF_8))))
        .onComplete(
            ar -> {
              if (!done.compareAndSet(false, true)) {
                return;
              }
              if (ar.succeeded()) {
                reply.complete(ar.result());
              } else {
                reply.completeExceptionally(
                    new DeliveryFailure(
                        DeliveryFailure.Reason.UNREACHABLE, url + ": " + ar.cause()));
              }
            });
    return reply;
  }

  /**
   * Gives up the requests whose deadline passed: resets them and fails their delivery as a timeout.
   */
  private void expireOverdue() {
    if (inFlight.isEmpty()) {
      return;
    }
    long now = clock.millis();
    for (Request request : inFlight) {
      if (now >= request.deadlineMillis() && request.done().compareAndSet(false, true)) {
        HttpClientRequest sent = request.sent().get();
        if (sent != null) {
          sent.reset();
        }
        request
            .reply()
            .completeExceptionally(
                new DeliveryFailure(
                    DeliveryFailure.Reason.TIMEOUT, request.url() + " did not answer in time"));
      }
    }
  }

  private static void sign(
      RequestOptions options, String timestamp, String nonce, String signature) {
    options
        .putHeader("X-Lark-Request-Timestamp", timestamp)
        .putHeader("X-Lark-Request-Nonce", nonce)
        .putHeader("X-Lark-Signature", signature);
  }

  private static boolean notEmpty(String s) {
    return s != null && !s.isEmpty();
  }

  @Override
  public void close() {
    vertx.cancelTimer(timerId);
    http.close();
  }
}
