package io.opencardkit.server.bots;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.core.Json;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.testkit.Await;
import io.opencardkit.server.testkit.MutableClock;
import io.opencardkit.server.testkit.PageSocket;
import io.opencardkit.server.testkit.TestSeed;
import io.opencardkit.server.testkit.TestServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The official Node SDK's {@code WSClient} ({@code tests/node-smoke/ws-client.mjs}, installed by
 * the module's {@code npm ci}) against a real server: a message event reaches its handler and its
 * card callback answer takes effect. A missing {@code node} fails the test, as in {@code
 * NodeSdkSmokeTest}.
 */
final class NodeWsClientTest {
  private final TestSeed seed = new TestSeed();
  private final TestServer server =
      TestServer.start(seed, MutableClock.startingNow(), Duration.ofMinutes(10));
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private Process node;

  @AfterEach
  void stop() throws Exception {
    if (node != null) {
      node.getOutputStream().close(); // the script exits when its stdin ends
      if (!node.waitFor(20, TimeUnit.SECONDS)) {
        node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    server.close();
  }

  private void startNode() throws IOException {
    Path repoRoot = moduleDir().resolve("..").normalize();
    ProcessBuilder builder =
        new ProcessBuilder(List.of("node", "ws-client.mjs"))
            .directory(repoRoot.resolve("tests/node-smoke").toFile())
            .redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.put("OKC_BASE_URL", server.baseUrl());
    env.put("OKC_APP_ID", seed.appId);
    env.put("OKC_APP_SECRET", seed.appSecret);
    env.remove("NODE_OPTIONS");
    try {
      node = builder.start();
    } catch (IOException e) {
      throw new AssertionError(
          "could not run node (is Node.js 18+ on the PATH?): " + e.getMessage(), e);
    }
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  lines.add(line);
                }
              } catch (IOException e) {
                lines.add("READ FAILED " + e);
              }
            },
            "node-ws-client-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * The next output line that starts with {@code prefix}, without the prefix; other lines are kept
   * for the failure message.
   */
  private String next(String prefix) throws InterruptedException {
    StringBuilder skipped = new StringBuilder();
    long deadline = System.nanoTime() + Await.WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      String line = lines.poll(100, TimeUnit.MILLISECONDS);
      if (line == null) {
        continue;
      }
      if (line.startsWith(prefix)) {
        return line.substring(prefix.length()).trim();
      }
      skipped.append(line).append('\n');
    }
    throw new AssertionError(
        "node printed no line starting with "
            + prefix
            + " within "
            + Await.WAIT
            + "; it printed:\n"
            + skipped);
  }

  @Test
  void nodeWsClient_receivesEventsAndAnswersCardCallbacks() throws Exception {
    startNode();
    next("READY");
    Await.until(
        "the connection is registered",
        () -> server.server().bots().longConnectionCount(seed.appId) == 1);

    String messageId =
        new Page(server.baseUrl(), seed.alice)
            .say(Directory.p2pChatId(seed.appId, seed.alice), "hello Node");

    JsonNode event = Json.parseOrNull(next("EVENT"));
    assertThat(event.get("message_id").asText()).isEqualTo(messageId);
    assertThat(event.get("chat_type").asText()).isEqualTo("p2p");
    assertThat(event.get("content").asText()).isEqualTo("{\"text\":\"hello Node\"}");

    String cardId = Cards.create(server.client(), Cards.withButton(false));
    String cardMessage = Cards.sendEntity(server.client(), seed.chatId, cardId);
    try (PageSocket alice = PageSocket.signedIn(server.baseUrl(), seed.alice)) {
      JsonNode answer =
          new Page(server.baseUrl(), seed.alice)
              .act(cardMessage, Cards.CLICK)
              .get(20, TimeUnit.SECONDS);

      JsonNode callback = Json.parseOrNull(next("CARD"));
      assertThat(callback.get("open_id").asText()).isEqualTo(seed.alice);
      assertThat(callback.get("value").get("decision").asText()).isEqualTo("approve");
      assertThat(callback.get("message_id").asText()).isEqualTo(cardMessage);
      assertThat(answer.get("delivered").asBoolean()).isTrue();
      assertThat(
              alice
                  .await(f -> "toast".equals(f.path("type").asText()), Await.WAIT)
                  .get("toast")
                  .get("content")
                  .asText())
          .isEqualTo("answered by the Node SDK");
    }
  }

  private static Path moduleDir() {
    String basedir = System.getProperty("basedir");
    return Path.of(basedir != null ? basedir : System.getProperty("user.dir")).toAbsolutePath();
  }
}
