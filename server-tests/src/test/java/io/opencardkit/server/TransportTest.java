package io.opencardkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencardkit.server.testkit.TestServer;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Which transport a node's event loops use (docs/design-decisions.md, "Native transport"). */
final class TransportTest {

  @Test
  void defaults_serveWithEpoll_onThisLinuxMachine() {
    // The jar carries Netty's epoll library; if it stopped loading (a dependency dropped, a new
    // Netty without it), nodes would fall back to NIO with nothing but one warning to tell.
    try (TestServer server = TestServer.start()) {
      assertThat(server.server().vertx().isNativeTransportEnabled())
          .as("epoll loads: %s", server.server().vertx().unavailableNativeTransportCause())
          .isTrue();
    }
  }

  @Test
  void transportNio_servesWithTheJdkSelector() {
    try (TestServer server =
        TestServer.start(
            Clock.systemUTC(),
            Duration.ofMinutes(10),
            c -> c.withServing(c.serving().withTransport(ServerConfig.Transport.NIO)))) {
      assertThat(server.server().vertx().isNativeTransportEnabled()).isFalse();
    }
  }

  @Test
  void transportConverter_takesNativeOrNio_inAnyCase() {
    Main.TransportConverter converter = new Main.TransportConverter();
    assertThat(converter.convert("native")).isEqualTo(ServerConfig.Transport.NATIVE);
    assertThat(converter.convert(" NIO ")).isEqualTo(ServerConfig.Transport.NIO);
    assertThatThrownBy(() -> converter.convert("io_uring"))
        .hasMessageContaining("'io_uring' is not native or nio");
  }
}
