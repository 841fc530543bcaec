package io.opencardkit.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.opencardkit.server.testkit.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code tests/node-smoke/smoke.test.mjs} (the official {@code @larksuiteoapi/node-sdk}, installed by the
 * {@code npm ci} step of this module's build) against a real server. A missing {@code node} fails the test: the
 * compatibility claim for Node is only as good as this run.
 */
final class NodeSdkSmokeTest {
  private static final long TIMEOUT_SECONDS = 120;

  @TempDir Path tmp;

  @Test
  void officialNodeSdk_streamingCardGuide_passes() throws Exception {
    Path repoRoot = moduleDir().resolve("..").normalize();
    Path script = repoRoot.resolve("tests/node-smoke/smoke.test.mjs");
    assertThat(script).as("the smoke script").exists();
    assertThat(repoRoot.resolve("tests/node-smoke/node_modules/@larksuiteoapi/node-sdk"))
        .as("the Node SDK, installed by the npm ci execution in server/pom.xml")
        .exists();

    try (TestServer server = TestServer.start()) {
      Path log = tmp.resolve("node-smoke.log");
      ProcessBuilder builder =
          new ProcessBuilder(List.of("node", "--test", repoRoot.relativize(script).toString()))
              .directory(repoRoot.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      Map<String, String> env = builder.environment();
      env.put("OKC_BASE_URL", server.baseUrl());
      env.put("OKC_APP_ID", server.seed.appId);
      env.put("OKC_APP_SECRET", server.seed.appSecret);
      env.put("OKC_CHAT_ID", server.seed.chatId);
      env.remove("NODE_OPTIONS"); // nothing from the caller's shell may change how the SDK runs

      Process node;
      try {
        node = builder.start();
      } catch (IOException e) {
        throw new AssertionError("could not run node (is Node.js 18+ on the PATH?): " + e.getMessage(), e);
      }
      if (!node.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        fail("node --test did not finish within %d s; output:%n%s", TIMEOUT_SECONDS, read(log));
      }
      assertThat(node.exitValue()).as("exit code of node --test; output:%n%s", read(log)).isZero();
    }
  }

  /** The server module's directory: surefire passes it as {@code basedir} and runs tests in it. */
  private static Path moduleDir() {
    String basedir = System.getProperty("basedir");
    return Path.of(basedir != null ? basedir : System.getProperty("user.dir")).toAbsolutePath();
  }

  private static String read(Path log) throws IOException {
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no output)";
  }
}
