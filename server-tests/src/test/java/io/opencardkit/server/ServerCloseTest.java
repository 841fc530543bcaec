package io.opencardkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.server.testkit.AfterTestChecks;
import io.opencardkit.server.testkit.LogCapture;
import io.opencardkit.server.testkit.TestServer;
import org.junit.jupiter.api.Test;

/**
 * Closing a node twice (a test's cluster helper closes every node, also one the test stopped) did
 * the whole stop again: the bots tried to release their leases in the closed store and warned
 * (found by the test kit's after-test log check in DeliveriesAcrossNodesTest).
 */
final class ServerCloseTest {
  @Test
  void closingTwice_stopsOnce_andWarnsOfNothing() {
    TestServer server = TestServer.start();
    server.server().close();

    server.close();

    assertThat(AfterTestChecks.log()).noneMatch(LogCapture.Entry::isWarnOrWorse);
  }
}
