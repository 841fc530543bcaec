package io.opencardkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencardkit.server.testkit.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * serve --demo's start and stop, with a recording launcher instead of the demo bot (which lives in
 * dist).
 */
final class DemoModeTest {
  private static TestServer server;

  @BeforeAll
  static void startServer() {
    server = TestServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Test
  void start_noLauncherInThisBuild_failsWithTheDistHint() {
    assertThatThrownBy(
            () ->
                DemoMode.start(
                    server.server(),
                    Optional.empty(),
                    new PrintStream(new ByteArrayOutputStream())))
        .isInstanceOf(DemoMode.Unavailable.class)
        .hasMessageContaining("this build has no demo bot")
        .hasMessageContaining("dist");
  }

  @Test
  void start_seededDirectory_runsAsTheFirstAppPrintsThePageAndCloseStopsTheBot() throws Exception {
    List<String> started = new ArrayList<>();
    AtomicBoolean stopped = new AtomicBoolean();
    DemoBotLauncher launcher =
        (baseUrl, appId, appSecret) -> {
          started.add(baseUrl + " " + appId + " " + appSecret);
          return () -> stopped.set(true);
        };
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DemoMode demo =
        DemoMode.start(
            server.server(),
            Optional.of(launcher),
            new PrintStream(out, true, StandardCharsets.UTF_8));

    String firstApp = server.server().directory().apps().get(0).appId();
    assertThat(demo.app().appId()).isEqualTo(firstApp);
    assertThat(started)
        .containsExactly(server.baseUrl() + " " + firstApp + " " + demo.app().appSecret());
    String firstUser = server.server().directory().users().get(0).openId();
    assertThat(demo.pageUrl()).isEqualTo(server.baseUrl() + "/?user=" + firstUser);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("Demo bot started")
        .contains(demo.pageUrl());
    assertThat(stopped).isFalse();
    demo.close();
    assertThat(stopped).isTrue();
  }
}
