package io.opencardkit.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.opencardkit.server.testkit.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code tests/node-smoke/templates-images.test.mjs}: card templates and images through the official Node SDK
 * ({@code @larksuiteoapi/node-sdk}, installed by this module's {@code npm ci} step), against a server with a templates
 * directory. Here in the API tests so that the build's PostgreSQL run repeats it.
 */
final class NodeTemplatesAndImagesTest {
  private static final long TIMEOUT_SECONDS = 120;

  @TempDir Path tmp;

  @Test
  void officialNodeSdk_templatesAndImages_pass() throws Exception {
    Path repoRoot = moduleDir().resolve("..").normalize();
    Path script = repoRoot.resolve("tests/node-smoke/templates-images.test.mjs");
    assertThat(script).exists();
    assertThat(repoRoot.resolve("tests/node-smoke/node_modules/@larksuiteoapi/node-sdk")).as("npm ci of server/pom.xml").exists();
    Path templates = Files.createDirectories(tmp.resolve("templates"));
    TemplatesTest.write(templates, "AAqNodeTpl001.json", "{'schema':'2.0','config':{'streaming_mode':true},"
        + "'header':{'title':{'tag':'plain_text','content':'${title}'}},'body':{'elements':["
        + "{'tag':'markdown','element_id':'answer','content':''},"
        + "{'tag':'repeat','variable':'rows','elements':[{'tag':'markdown','content':'- ${name}'}]}]}}");
    TemplatesTest.write(templates, "AAqNodeTpl001@1.0.0.json", TemplatesTest.REPORT_V1);

    try (TestServer server = TestServer.start(Clock.systemUTC(), Duration.ofMinutes(10), c -> c.withTemplates(templates))) {
      Path log = tmp.resolve("node.log");
      ProcessBuilder builder = new ProcessBuilder(List.of("node", "--test", repoRoot.relativize(script).toString()))
          .directory(repoRoot.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
      Map<String, String> env = builder.environment();
      env.put("OKC_BASE_URL", server.baseUrl());
      env.put("OKC_APP_ID", server.seed.appId);
      env.put("OKC_APP_SECRET", server.seed.appSecret);
      env.put("OKC_CHAT_ID", server.seed.chatId);
      env.remove("NODE_OPTIONS");
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

  private static Path moduleDir() {
    String basedir = System.getProperty("basedir");
    return Path.of(basedir != null ? basedir : System.getProperty("user.dir")).toAbsolutePath();
  }

  private static String read(Path log) throws IOException {
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no output)";
  }
}
