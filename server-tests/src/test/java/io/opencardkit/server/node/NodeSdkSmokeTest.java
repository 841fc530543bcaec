package io.opencardkit.server.node;

import io.opencardkit.server.testkit.NodeSdkScript;
import io.opencardkit.server.testkit.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official {@code @larksuiteoapi/node-sdk} follows the streaming card guide against a real
 * server.
 */
final class NodeSdkSmokeTest {
  @TempDir Path tmp;

  @Test
  void officialNodeSdk_streamingCardGuide_passes() throws Exception {
    try (TestServer server = TestServer.start()) {
      NodeSdkScript.passes("smoke.test.mjs", server, tmp);
    }
  }
}
