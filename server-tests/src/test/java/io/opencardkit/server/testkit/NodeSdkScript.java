package io.opencardkit.server.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a script of {@code tests/node-smoke} with {@code node --test} against a running server,
 * through the official {@code @larksuiteoapi/node-sdk} (installed by the {@code npm ci} step of the
 * server module's build). The script reads the server's address, the seed's app and chat from
 * {@code OKC_*} variables. A missing {@code node} fails: the compatibility claim for Node is only
 * as good as this run.
 */
public final class NodeSdkScript {
  private static final long TIMEOUT_SECONDS = 120;

  private NodeSdkScript() {}

  /**
   * Runs {@code tests/node-smoke/<name>} against {@code server}; fails the test, with node's
   * output, unless it passes.
   */
  public static void passes(String name, TestServer server, Path tmp) throws Exception {
    Path repoRoot = moduleDir().resolve("..").normalize();
    Path script = repoRoot.resolve("tests/node-smoke").resolve(name);
    assertThat(script).as("the Node script").exists();
    assertThat(repoRoot.resolve("tests/node-smoke/node_modules/@larksuiteoapi/node-sdk"))
        .as("the Node SDK, installed by the npm ci execution in server/pom.xml")
        .exists();
    Path log = tmp.resolve(name + ".log");
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
      throw new AssertionError(
          "could not run node (is Node.js 18+ on the PATH?): " + e.getMessage(), e);
    }
    if (!node.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      fail("node --test did not finish within %d s; output:%n%s", TIMEOUT_SECONDS, read(log));
    }
    assertThat(node.exitValue()).as("exit code of node --test; output:%n%s", read(log)).isZero();
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
