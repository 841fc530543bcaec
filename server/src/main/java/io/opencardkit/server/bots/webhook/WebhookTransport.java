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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Delivers to a bot's HTTP endpoint ({@code event_url}, {@code callback_url}) as Feishu does: the body encrypted
 * with the app's Encrypt Key and signed ({@code X-Lark-Request-Timestamp}, {@code X-Lark-Request-Nonce},
 * {@code X-Lark-Signature}), and a URL is used only after it answered Feishu's {@code url_verification} challenge.
 *
 * <p>Implementation notes: requests go through one Vert.x HTTP client; each has an overall deadline (a Vert.x timer
 * that resets the request), so a bot that accepts the connection and never answers costs one timer. A URL's
 * verification is remembered for the life of the process once it succeeded; a failed one is forgotten, so the next
 * delivery asks again.
 */
public final class WebhookTransport implements AutoCloseable {
  /** How a body is secured. */
  public enum Security {
    /** Events and {@code card.action.trigger}: encrypted and SHA-256-signed when the app has an Encrypt Key. */
    EVENT,
    /** The legacy {@code card.action.trigger_v1}: never encrypted, SHA-1-signed with the Verification Token. */
    LEGACY_CARD
  }


  private final Vertx vertx;
  private final Clock clock;
  private final HttpClientAgent http;
  private final Map<String, CompletableFuture<Void>> verified = new ConcurrentHashMap<>();

  public WebhookTransport(Vertx vertx, Clock clock) {
    this.vertx = vertx;
    this.clock = clock;
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setVerifyHost(true), new PoolOptions().setHttp1MaxSize(16));
  }

  /** Verifies the URL (once) and posts the payload; completes with the bot's answer or a {@link DeliveryFailure}. */
  public CompletableFuture<BotReply> deliver(App app, String url, ObjectNode payload, Security security, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    return verify(app, url, security, timeout)
        .thenCompose(v -> post(app, url, payload, security, Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))));
  }

  private CompletableFuture<Void> verify(App app, String url, Security security, Duration timeout) {
    String key = security + " " + url + " " + app.appId();
    CompletableFuture<Void> fresh = new CompletableFuture<>();
    CompletableFuture<Void> current = verified.compute(key, (k, old) -> old != null && !old.isCompletedExceptionally() ? old : fresh);
    if (current != fresh) {
      return current; // verified, or being verified by a concurrent delivery
    }
    String challenge = RandomIds.hex(16);
    post(app, url, EventPayloads.urlVerification(app, challenge), security, timeout)
        .whenComplete(
            (reply, failure) -> {
              if (failure != null) {
                verified.remove(key, fresh);
                fresh.completeExceptionally(failure);
                return;
              }
              JsonNode answer = Json.parseOrNull(reply.body());
              if (reply.ok() && answer != null && challenge.equals(answer.path("challenge").asText(null))) {
                fresh.complete(null);
              } else {
                verified.remove(key, fresh);
                fresh.completeExceptionally(
                    new DeliveryFailure(DeliveryFailure.Reason.NO_ENDPOINT, url + " did not answer the url_verification challenge (HTTP " + reply.status() + ")"));
              }
            });
    return fresh;
  }

  /** One signed (and maybe encrypted) POST with an overall deadline. */
  CompletableFuture<BotReply> post(App app, String url, ObjectNode payload, Security security, Duration timeout) {
    String plain = Json.write(payload);
    boolean encrypt = security == Security.EVENT && notEmpty(app.encryptKey());
    String body = encrypt ? Json.write(Json.object().put("encrypt", EventCrypto.encrypt(app.encryptKey(), plain))) : plain;
    RequestOptions options;
    try {
      options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url).setConnectTimeout(timeout.toMillis());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(new DeliveryFailure(DeliveryFailure.Reason.NO_ENDPOINT, "not a usable URL: " + url));
    }
    options.putHeader("Content-Type", "application/json; charset=utf-8").putHeader("User-Agent", "OpenCardKit");
    String timestamp = Long.toString(clock.millis() / 1000);
    String nonce = RandomIds.hex(8);
    if (security == Security.EVENT && notEmpty(app.encryptKey())) {
      sign(options, timestamp, nonce, EventCrypto.sha256Signature(timestamp, nonce, app.encryptKey(), body));
    } else if (security == Security.LEGACY_CARD && notEmpty(app.verificationToken())) {
      sign(options, timestamp, nonce, EventCrypto.sha1Signature(timestamp, nonce, app.verificationToken(), body));
    }
    CompletableFuture<BotReply> reply = new CompletableFuture<>();
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
    long timer =
        vertx.setTimer(
            Math.max(1, timeout.toMillis()),
            id -> {
              if (done.compareAndSet(false, true)) {
                HttpClientRequest request = sent.get();
                if (request != null) {
                  request.reset();
                }
                reply.completeExceptionally(new DeliveryFailure(DeliveryFailure.Reason.TIMEOUT, url + " did not answer in time"));
              }
            });
    http.request(options)
        .compose(request -> {
          sent.set(request);
          return request.send(Buffer.buffer(body, StandardCharsets.UTF_8.name()));
        })
        .compose(response -> response.body().map(b -> new BotReply(response.statusCode(), b.toString(StandardCharsets.UTF_8))))
        .onComplete(
            ar -> {
              if (!done.compareAndSet(false, true)) {
                return;
              }
              vertx.cancelTimer(timer);
              if (ar.succeeded()) {
                reply.complete(ar.result());
              } else {
                reply.completeExceptionally(new DeliveryFailure(DeliveryFailure.Reason.UNREACHABLE, url + ": " + ar.cause()));
              }
            });
    return reply;
  }

  private static void sign(RequestOptions options, String timestamp, String nonce, String signature) {
    options.putHeader("X-Lark-Request-Timestamp", timestamp).putHeader("X-Lark-Request-Nonce", nonce).putHeader("X-Lark-Signature", signature);
  }

  private static boolean notEmpty(String s) {
    return s != null && !s.isEmpty();
  }


  @Override
  public void close() {
    http.close();
  }
}
