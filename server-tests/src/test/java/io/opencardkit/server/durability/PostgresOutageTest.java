package io.opencardkit.server.durability;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.engine.CardEvent;
import io.opencardkit.server.testkit.ExpectedLog;
import io.opencardkit.server.testkit.TestPostgres;
import io.opencardkit.server.testkit.TestSeed;
import io.opencardkit.server.testkit.TestServer;
import io.opencardkit.server.web.BotCalls;
import io.opencardkit.store.postgres.testing.TcpProxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL goes away under a node and comes back: calls answer a retryable 503 meanwhile, nothing
 * is half-written, and the node works again by itself, without a restart.
 */
final class PostgresOutageTest {
  private final TestSeed seed = new TestSeed();
  private final String schema = TestPostgres.newSchema();
  private final TcpProxy proxy;
  private final TestServer server;
  private final BotCalls bot;

  PostgresOutageTest() throws Exception {
    proxy = TcpProxy.start(5432);
    String store =
        TestPostgres.withSchema(
            "postgresql://postgres@127.0.0.1:" + proxy.port() + "/test", schema);
    server =
        TestServer.start(
            seed,
            Clock.systemUTC(),
            Duration.ofMinutes(10),
            config -> config.withCluster(store, null).withInsecureDevLogin());
    bot = new BotCalls(server.client(), server.server()::runtime);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    proxy.close();
    TestPostgres.dropSchema(TestPostgres.URL, schema);
  }

  @Test
  // What the outage does to the node, as each component notices it: connection exceptions (SQLSTATE
  // class 08: the
  // connection broke, 08006, or cannot be made, 08001).
  @ExpectedLog(logger = "io.opencardkit", message = "[SQLState 08")
  @ExpectedLog(
      logger = "io.opencardkit.store.postgres.PostgresWriter",
      message = "cannot reconnect the PostgreSQL writer")
  @ExpectedLog(
      logger = "com.zaxxer.hikari.pool.ProxyConnection",
      message = "marked as broken because of SQLSTATE(08006)")
  @ExpectedLog(
      logger = "com.zaxxer.hikari.pool.PoolBase",
      message = "Failed to validate connection")
  void outage_callsAnswer503WithARetryableCode_andTheNodeRecoversByItself() throws Exception {
    String cardId = bot.createCard(BotCalls.STREAMING_CARD);
    bot.sendCard("chat_id", seed.chatId, cardId);
    bot.contentOk(cardId, "before the outage", 1);

    proxy.cut();
    assertThat(bot.content(cardId, "during the outage", 2, "u-2"))
        .isEqualTo(ErrorCode.STORAGE_UNAVAILABLE.code());
    assertThat(status("/healthz"))
        .isEqualTo(200); // the node itself is fine: the load balancer keeps it
    proxy.restore();

    // What a bot (or our client library) does with 300000: retry the same request, same uuid.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    int code;
    while ((code = bot.content(cardId, "during the outage", 2, "u-2")) != 0) {
      assertThat(code).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE.code());
      assertThat(System.nanoTime() - deadline).as("the node recovered in time").isNegative();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
    bot.contentOk(cardId, "during the outage, and after", 3);

    List<CardEvent> log = server.server().store().events(cardId, 0, 100);
    assertThat(log)
        .extracting(CardEvent::version)
        .containsExactlyElementsOf(
            java.util.stream.LongStream.rangeClosed(1, log.size())
                .boxed()
                .collect(java.util.stream.Collectors.toList()));
    assertThat(log.stream().filter(e -> "u-2".equals(e.uuid())).count())
        .isEqualTo(1); // applied once, whatever the retries
    assertThat(bot.text(cardId)).isEqualTo("during the outage, and after");
  }

  private int status(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).GET().build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
