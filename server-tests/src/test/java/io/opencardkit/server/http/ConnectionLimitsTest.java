package io.opencardkit.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.server.ConnectionLimits;
import io.opencardkit.server.testkit.MetricsScrape;
import io.opencardkit.server.testkit.RawHttpConnection;
import io.opencardkit.server.testkit.RawHttpConnection.Response;
import io.opencardkit.server.testkit.TestServer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The connection limits and deadlines on a running server, over real sockets, with short configured
 * values. (The deadlines' exact timing is {@link RequestDeadlinesTest}'s, on injected time; here:
 * that the server applies them.) 127.0.0.2 is another client to a server on 127.0.0.1.
 */
final class ConnectionLimitsTest {
  private static final String HALF_SENT = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-a: ";
  private static final Duration LONG = Duration.ofMinutes(5);

  private final List<RawHttpConnection> held = new ArrayList<>();
  private TestServer server;

  private void start(ConnectionLimits limits) {
    server =
        TestServer.start(Clock.systemUTC(), Duration.ofMinutes(10), c -> c.withConnections(limits));
  }

  @AfterEach
  void stop() {
    held.forEach(RawHttpConnection::close);
    if (server != null) {
      server.close();
    }
  }

  private RawHttpConnection halfSent(String from) {
    RawHttpConnection connection = RawHttpConnection.open(server.baseUrl(), from).send(HALF_SENT);
    held.add(connection);
    return connection;
  }

  /**
   * A kept-alive connection that was served once: certainly counted by the server, which holds it
   * open.
   */
  private RawHttpConnection servedAndKept(String from) {
    RawHttpConnection connection = RawHttpConnection.open(server.baseUrl(), from);
    held.add(connection);
    assertThat(connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").readResponse().status())
        .isEqualTo(200);
    return connection;
  }

  private Response healthz(String from) {
    try (RawHttpConnection connection = RawHttpConnection.open(server.baseUrl(), from)) {
      return connection
          .send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
          .readResponse();
    }
  }

  @Test
  void oneAddress_overItsLimit_isRefusedWith429_whileAnotherAddressIsServed() throws Exception {
    start(new ConnectionLimits(LONG, LONG, LONG, LONG, 100, 3));
    for (int i = 0; i < 3; i++) {
      servedAndKept("127.0.0.1");
    }
    try (RawHttpConnection fourth = RawHttpConnection.open(server.baseUrl(), "127.0.0.1")) {
      Response refused = fourth.send(HALF_SENT).readResponse();

      assertThat(refused.status()).isEqualTo(429);
      assertThat(refused.code()).isEqualTo(99991400);
      assertThat(refused.json().path("msg").asText())
          .contains("127.0.0.1")
          .contains("--max-connections-per-address");
      assertThat(fourth.awaitClosed()).isTrue();
    }
    Response other = healthz("127.0.0.2");
    assertThat(other.status()).isEqualTo(200);
    assertThat(other.json().path("status").asText()).isEqualTo("ok");

    held.remove(0).close(); // a slot of 127.0.0.1 is free again once the server saw the close
    io.opencardkit.server.testkit.Await.until(
        Duration.ofSeconds(30), () -> healthz("127.0.0.1").status() == 200);
    // operators see the refusals (the wait above may have been refused too) and nothing else
    MetricsScrape metrics = MetricsScrape.of(server.baseUrl());
    assertThat(metrics.sum("okc_http_connections_refused_total", "limit", "per_address"))
        .isGreaterThanOrEqualTo(1);
    assertThat(metrics.sum("okc_http_connections_refused_total", "limit", "node")).isZero();
  }

  @Test
  void theNode_overItsLimit_refusesWith503() {
    start(new ConnectionLimits(LONG, LONG, LONG, LONG, 4, 0));
    for (int i = 0; i < 4; i++) {
      servedAndKept(i % 2 == 0 ? "127.0.0.1" : "127.0.0.3");
    }
    Response refused = healthz("127.0.0.2");

    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.code()).isEqualTo(300000);
    assertThat(refused.json().path("msg").asText()).contains("--max-connections");
  }

  @Test
  void requestThatStopsInItsHeaders_isAnswered408AfterTheHeaderTimeout() {
    Duration header = Duration.ofMillis(500);
    start(new ConnectionLimits(LONG, header, LONG, LONG, 100, 10));
    RawHttpConnection connection = halfSent("127.0.0.1");
    long started = System.nanoTime();

    Response response = connection.readResponse();

    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(header.minusMillis(100));
    assertThat(response.status()).isEqualTo(408);
    assertThat(response.code()).isEqualTo(10002);
    assertThat(connection.awaitClosed()).isTrue();
  }

  @Test
  void requestWhoseBodyStops_isAnswered408AfterTheBodyTimeout() {
    start(new ConnectionLimits(LONG, LONG, Duration.ofMillis(500), LONG, 100, 10));
    RawHttpConnection slow = RawHttpConnection.open(server.baseUrl());
    held.add(slow);
    slow.send(
        "POST /open-apis/auth/v3/tenant_access_token/internal HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Content-Length: 100\r\n\r\n{\"app_id\":");

    Response response = slow.readResponse();

    assertThat(response.status()).isEqualTo(408);
    assertThat(response.code()).isEqualTo(10002);
    assertThat(response.json().path("msg").asText()).contains("--body-timeout");
    assertThat(slow.awaitClosed()).isTrue();
  }

  @Test
  void connectionThatSaysNothing_isClosedAfterTheHeaderTimeout_andAnIdleOneAfterTheIdleTimeout() {
    start(new ConnectionLimits(Duration.ofSeconds(1), Duration.ofMillis(500), LONG, LONG, 100, 10));
    RawHttpConnection silent = RawHttpConnection.open(server.baseUrl());
    held.add(silent);
    RawHttpConnection keptAlive = RawHttpConnection.open(server.baseUrl());
    held.add(keptAlive);
    Response first = keptAlive.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
    assertThat(first.status()).isEqualTo(200);

    assertThat(silent.awaitClosed()).as("a connection that never sent a byte").isTrue();
    assertThat(keptAlive.awaitClosed())
        .as("a kept-alive connection idle for the idle timeout")
        .isTrue();
  }
}
