package io.opencardkit.store.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Keeps a store's writer thread busy in a task until released, so that commits made meanwhile queue
 * up behind it and form one group. For adapters with a writer thread; each gives a way to run a
 * task on it.
 */
public final class HeldWriter {
  private final CountDownLatch running = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);
  private CompletableFuture<?> task;

  private HeldWriter() {}

  /**
   * Holds the writer.
   *
   * @param runOnWriter runs the given work on the writer thread (inside a task of the store) and
   *     returns the task's future
   */
  public static HeldWriter hold(Function<Runnable, CompletableFuture<?>> runOnWriter)
      throws InterruptedException {
    HeldWriter held = new HeldWriter();
    held.task =
        runOnWriter.apply(
            () -> {
              held.running.countDown();
              awaitUninterruptibly(held.released);
            });
    // once the task runs, the writer has drained the queue: everything committed from now on waits
    // behind it
    assertThat(held.running.await(30, TimeUnit.SECONDS)).isTrue();
    return held;
  }

  /** Lets the writer go on, and waits for the holding task to end. */
  public void release() throws Exception {
    released.countDown();
    task.get(30, TimeUnit.SECONDS);
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
