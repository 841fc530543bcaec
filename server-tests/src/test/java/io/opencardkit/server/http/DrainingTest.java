package io.opencardkit.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The front door while a node drains: {@code /healthz} answers 503, a call in flight is counted
 * until its answer ends, and every OpenAPI call, in flight or not, is reported once to the call
 * listeners with its route and code.
 */
final class DrainingTest {
  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http = HttpClient.newHttpClient();
  private final Draining draining = new Draining();
  private final List<ApiCall> calls = new CopyOnWriteArrayList<>();
  private final Promise<Void> release = Promise.promise();
  private final String base;

  DrainingTest() {
    Router router = Router.router(vertx);
    HttpFrontDoor.mountFirst(router, Clock.systemUTC(), calls::add, draining);
    router
        .put("/open-apis/cardkit/v1/cards/:card_id/elements/:element_id/content")
        .handler(
            ctx -> {
              ctx.put(Responder.APP_ID, "cli_test");
              ctx.put(Responder.SEQUENCE, 7);
              release.future().onComplete(v -> Envelope.ok(ctx, null));
            });
    HttpFrontDoor.mountLast(router);
    HttpServer server =
        vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    base = "http://127.0.0.1:" + server.actualPort();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void whileDraining_healthzIs503_andTheCallInFlightIsWaitedFor() throws Exception {
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    CompletableFuture<HttpResponse<String>> inFlight =
        http.sendAsync(
            HttpRequest.newBuilder(
                    URI.create(base + "/open-apis/cardkit/v1/cards/7335/elements/md/content"))
                .PUT(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (draining.callsInFlight() == 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }

    draining.begin();

    assertThat(get("/healthz").statusCode()).isEqualTo(503);
    assertThat(draining.callsInFlight()).isEqualTo(1);
    assertThat(draining.awaitCallsAnswered(Duration.ofMillis(50))).isFalse();
    vertx.runOnContext(v -> release.complete());
    assertThat(draining.awaitCallsAnswered(Duration.ofSeconds(10))).isTrue();
    assertThat(inFlight.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(calls)
        .singleElement()
        .satisfies(
            call -> {
              assertThat(call.method()).isEqualTo("PUT");
              assertThat(call.route())
                  .isEqualTo("/open-apis/cardkit/v1/cards/:card_id/elements/:element_id/content");
              assertThat(call.cardId()).isEqualTo("7335");
              assertThat(call.appId()).isEqualTo("cli_test");
              assertThat(call.sequence()).isEqualTo(7);
              assertThat(call.code()).isZero();
              assertThat(call.logId()).isNotBlank();
              assertThat(call.refused()).isFalse();
            });
  }

  @Test
  void aPathNoApiServes_isReportedAsUnmatched_soMadeUpPathsCannotGrowTheMetrics() throws Exception {
    HttpResponse<String> response = get("/open-apis/no/such/thing/12345");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(draining.awaitCallsAnswered(Duration.ofSeconds(10)))
        .isTrue(); // the end handler runs just after the answer
    assertThat(calls)
        .singleElement()
        .satisfies(
            call -> {
              assertThat(call.route()).isEqualTo(ApiCall.UNMATCHED);
              assertThat(call.code()).isEqualTo(99991404);
              assertThat(call.refused()).isTrue();
              assertThat(call.refusal()).contains("/open-apis/no/such/thing/12345");
            });
  }
}
