package io.opencardkit.server.web;

import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.opencardkit.core.engine.CardEvent;
import io.opencardkit.core.engine.EventType;
import io.opencardkit.server.ServerConfig;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A node stops its viewer hub, then Vert.x, then the card runtime: a commit the card feed delivers
 * in between found a closed event loop, and the feed logged a WARN with a
 * RejectedExecutionException at every such stop (found by the test kit's after-test log check in
 * RestartTest).
 */
final class StoppedHubTest {
  @Test
  void aCommitDeliveredAfterTheNodeStopped_isDroppedQuietly() {
    Vertx vertx = Vertx.vertx();
    ViewerHub hub =
        new ViewerHub(
            vertx,
            Clock.systemUTC(),
            Duration.ofMinutes(10),
            () -> null,
            null,
            null,
            new ViewerHub.Liveness(Duration.ofSeconds(20), Duration.ofSeconds(10)),
            ServerConfig.WsCompression.SHARED);
    hub.close();
    vertx.close().await();

    CardEvent event =
        new CardEvent(
            "7000000000000000001",
            2,
            EventType.SETTINGS,
            0,
            "cli_a",
            1,
            null,
            null,
            JsonNodeFactory.instance.objectNode());
    assertThatCode(() -> hub.cardEventsCommitted(List.of(event))).doesNotThrowAnyException();
  }
}
