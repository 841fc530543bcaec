package io.opencardkit.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

final class ViewerHubContextTest {
  @Test
  void ownContext_runsOnAnotherThreadThanContextsOfTheCreatingThread() {
    Vertx vertx = Vertx.vertx();
    try {
      // What the HTTP server gets when it listens from the thread that also builds the hub.
      Context listening = vertx.getOrCreateContext();

      Context hub = ViewerHub.ownContext(vertx);

      assertThat(threadOf(hub)).isNotSameAs(threadOf(listening));
    } finally {
      vertx.close().await();
    }
  }

  private static Thread threadOf(Context context) {
    CompletableFuture<Thread> thread = new CompletableFuture<>();
    context.runOnContext(v -> thread.complete(Thread.currentThread()));
    return thread.join();
  }
}
