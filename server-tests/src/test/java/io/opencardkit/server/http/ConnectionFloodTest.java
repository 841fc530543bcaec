package io.opencardkit.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.server.testkit.RawHttpConnection;
import io.opencardkit.server.testkit.RawHttpConnection.Response;
import io.opencardkit.server.testkit.ServerProcess;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, finding 1, as it was reproduced: a server under {@code ulimit -n 1024} (its own JVM),
 * and one client address opening 1,100 connections that each send {@code GET /healthz
 * HTTP/1.1\r\nHost: x\r\nX-a: } and stop. Before, {@code /healthz} stopped answering everyone and
 * the log said "Too many open files". Now, with the default limits, that address gets at most its
 * share (the rest are refused with 429) and another client is served all along; the held requests
 * end with 408 at the header timeout.
 */
final class ConnectionFloodTest {
  private static final int FLOOD = 1_100;
  private static final byte[] HALF_SENT =
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-a: ".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path dir;

  @Test
  void halfSentRequestsFromOneAddress_underALowOpenFilesLimit_doNotStopHealthzForOthers()
      throws Exception {
    List<Socket> flood = new ArrayList<>();
    try (ServerProcess server =
        ServerProcess.startWithOpenFilesLimit(1024, dir.resolve("data"), List.of())) {
      URI uri = URI.create(server.baseUrl());
      try {
        for (int i = 0; i < FLOOD; i++) {
          Socket socket = new Socket();
          socket.bind(new InetSocketAddress("127.0.0.1", 0));
          socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
          socket.getOutputStream().write(HALF_SENT);
          flood.add(socket);
          if (i % 100 == 99) {
            assertHealthzAnswersAnotherClient(server, "after " + (i + 1) + " half-sent requests");
          }
        }
        int refused = 0;
        for (Socket socket : flood) {
          socket.setSoTimeout(1);
          refused += startsWith429(socket) ? 1 : 0;
        }
        assertThat(refused)
            .as("connections of the flooding address refused with 429")
            .isGreaterThan(FLOOD / 4);
        for (int i = 0; i < 3; i++) {
          assertHealthzAnswersAnotherClient(server, "with the flood held");
        }
        assertThat(server.output()).doesNotContain("Too many open files");
      } finally {
        for (Socket socket : flood) {
          socket.close();
        }
      }
    }
  }

  /** As {@code curl -m 10 http://127.0.0.1:P/healthz} from another address. */
  private static void assertHealthzAnswersAnotherClient(ServerProcess server, String when) {
    try (RawHttpConnection connection =
        RawHttpConnection.open(server.baseUrl(), "127.0.0.2").readTimeout(Duration.ofSeconds(10))) {
      Response response =
          connection
              .send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
              .readResponse();
      assertThat(response.status())
          .as("/healthz %s; server output:%n%s", when, tail(server.output()))
          .isEqualTo(200);
    }
  }

  /**
   * Whether a refusal has arrived on the socket (waiting at most the socket's timeout for the first
   * bytes).
   */
  private static boolean startsWith429(Socket socket) {
    try {
      byte[] head = socket.getInputStream().readNBytes(12);
      return new String(head, StandardCharsets.US_ASCII).equals("HTTP/1.1 429");
    } catch (java.io.IOException e) {
      // nothing yet: the connection is held (or it was reset after its refusal was read elsewhere)
      return false;
    }
  }

  private static String tail(String output) {
    return output.length() <= 4000 ? output : output.substring(output.length() - 4000);
  }
}
