package io.opencardkit.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.lark.oapi.Client;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.WaitForSelectorState;
import io.opencardkit.bus.redis.testing.RedisServerProcess;
import io.opencardkit.server.testkit.BrowserFixture;
import io.opencardkit.server.testkit.PageErrors;
import io.opencardkit.server.testkit.ServerProcess;
import io.opencardkit.server.testkit.TestPostgres;
import io.opencardkit.server.testkit.TestSeed;
import io.opencardkit.server.web.BotCalls;
import io.opencardkit.store.postgres.testing.TcpProxy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes behind a load balancer, a real browser and the official SDK, both through the balancer:
 * the node serving them is killed (SIGKILL) in the middle of a streamed answer; the bot carries on
 * through the other node and the page, reconnected there, ends with exactly the bot's text.
 */
final class ClusterBrowserTest {
  private static final String CARD =
      "{\"schema\":\"2.0\",\"config\":{\"streaming_mode\":true,\"streaming_config\":{\"print_frequency_ms\":{\"default\":10},"
          + "\"print_step\":{\"default\":5}}},\"body\":{\"elements\":[{\"tag\":\"markdown\",\"content\":\"\",\"element_id\":\"md\"}]}}";

  private final TestSeed seed = new TestSeed();
  private final String schema = TestPostgres.newSchema();
  private final RedisServerProcess redis = RedisServerProcess.start();
  private final List<ServerProcess> nodes = new ArrayList<>();
  private final TcpProxy balancer;
  private final BrowserFixture browser = BrowserFixture.launch();

  ClusterBrowserTest() throws Exception {
    Path dir = Files.createTempDirectory("okc-cluster-browser");
    String store = TestPostgres.withSchema(TestPostgres.url(), schema);
    nodes.add(
        ServerProcess.start(
            dir.resolve("a"),
            List.of(
                "--seed",
                seed.writeTo(dir).toString(),
                "--store",
                store,
                "--bus",
                redis.url(),
                "--web-auth",
                "development",
                "--insecure-dev-login")));
    nodes.add(
        ServerProcess.start(
            dir.resolve("b"),
            List.of(
                "--store",
                store,
                "--bus",
                redis.url(),
                "--web-auth",
                "development",
                "--insecure-dev-login")));
    balancer = TcpProxy.failover(List.of(port(0), port(1)));
  }

  private int port(int node) {
    return URI.create(nodes.get(node).baseUrl()).getPort();
  }

  @AfterEach
  void stop() throws Exception {
    browser.close();
    balancer.close();
    nodes.forEach(ServerProcess::close);
    redis.close();
    TestPostgres.dropSchema(TestPostgres.url(), schema);
  }

  @Test
  void nodeKilledMidStream_pageReconnectsThroughTheBalancerAndShowsTheExactText() throws Exception {
    Client sdk =
        Client.newBuilder(seed.appId, seed.appSecret)
            .openBaseUrl(balancer.baseUrl())
            .requestTimeout(5, TimeUnit.SECONDS)
            .build();
    BotCalls bot =
        new BotCalls(
            sdk,
            () -> {
              throw new UnsupportedOperationException("the nodes run in other processes");
            });
    Page page = browser.newPage();
    page.navigate(balancer.baseUrl() + "/?user=" + seed.alice);
    page.locator("[data-testid=\"connection-status\"][data-status=\"open\"]").waitFor();
    String cardId = bot.createCard(CARD);
    String messageId = bot.sendCard("chat_id", seed.chatId, cardId);
    Locator md =
        page.locator(
            "[data-testid=\"message\"][data-message-id=\""
                + messageId
                + "\"] [data-element-id=\"md\"]");
    md.waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.ATTACHED));

    StringBuilder text = new StringBuilder();
    int sequence = 0;
    for (; sequence < 5; ) {
      sequence++;
      text.append("before").append(sequence).append(' ');
      bot.contentOk(cardId, text.toString(), sequence);
    }
    page.waitForFunction(
        "(t) => document.querySelector('[data-message-id=\""
            + messageId
            + "\"] [data-element-id=\"md\"]')"
            + ".textContent.trim() === t",
        text.toString().trim());

    nodes.get(0).kill9(); // the node both the page and the bot were using

    for (int i = 0; i < 5; i++) {
      sequence++;
      text.append("after").append(sequence).append(' ');
      retryUntilAccepted(bot, cardId, text.toString(), sequence);
    }
    retryUntilAccepted(bot, cardId, text.toString() + "done", ++sequence);
    String last = text + "done";

    page.waitForFunction(
        "(t) => document.querySelector('[data-message-id=\""
            + messageId
            + "\"] [data-element-id=\"md\"]')"
            + ".textContent.trim() === t",
        last,
        new Page.WaitForFunctionOptions().setTimeout(30_000));
    assertThat(md.textContent().trim()).isEqualTo(last);
    Locator status = page.locator("[data-testid=\"connection-status\"]");
    assertThat(status.getAttribute("data-status")).isEqualTo("open");
    assertThat(Integer.parseInt(status.getAttribute("data-connects")))
        .as("the page reconnected")
        .isGreaterThanOrEqualTo(2);
    assertThat(PageErrors.of(page)).isEmpty();
  }

  /**
   * What a bot does with a call the dead node never answered: the same request again (same uuid)
   * until accepted.
   */
  private static void retryUntilAccepted(BotCalls bot, String cardId, String text, int sequence) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String uuid = "u-" + sequence;
    while (true) {
      try {
        if (bot.content(cardId, text, sequence, uuid) == 0) {
          return;
        }
      } catch (Exception e) {
        // the connection to the dead node broke: the next attempt goes to the other one
      }
      assertThat(System.nanoTime() - deadline)
          .as("update %d accepted in time", sequence)
          .isNegative();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
  }
}
