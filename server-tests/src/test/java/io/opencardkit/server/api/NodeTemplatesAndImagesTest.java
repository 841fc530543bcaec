package io.opencardkit.server.api;

import io.opencardkit.server.testkit.NodeSdkScript;
import io.opencardkit.server.testkit.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code tests/node-smoke/templates-images.test.mjs}: card templates and images through the
 * official Node SDK ({@code @larksuiteoapi/node-sdk}, installed by this module's {@code npm ci}
 * step), against a server with a templates directory. Here in the API tests so that the build's
 * PostgreSQL run repeats it.
 */
final class NodeTemplatesAndImagesTest {
  @TempDir Path tmp;

  @Test
  void officialNodeSdk_templatesAndImages_pass() throws Exception {
    Path templates = Files.createDirectories(tmp.resolve("templates"));
    TemplatesTest.write(
        templates,
        "AAqNodeTpl001.json",
        "{'schema':'2.0','config':{'streaming_mode':true},"
            + "'header':{'title':{'tag':'plain_text','content':'${title}'}},'body':{'elements':["
            + "{'tag':'markdown','element_id':'answer','content':''},"
            + "{'tag':'repeat','variable':'rows','elements':[{'tag':'markdown','content':'- ${name}'}]}]}}");
    TemplatesTest.write(templates, "AAqNodeTpl001@1.0.0.json", TemplatesTest.REPORT_V1);

    try (TestServer server =
        TestServer.start(
            Clock.systemUTC(), Duration.ofMinutes(10), c -> c.withTemplates(templates))) {
      NodeSdkScript.passes("templates-images.test.mjs", server, tmp);
    }
  }
}
