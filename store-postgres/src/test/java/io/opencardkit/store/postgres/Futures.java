package io.opencardkit.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.opencardkit.core.store.StorageException;
import io.opencardkit.core.store.StorageFailure;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting for commit futures in tests, with a deadline, so that a hang fails the test instead of the build. */
final class Futures {
  private static final long WAIT_SECONDS = 60;

  private Futures() {}

  /** Waits for a commit that must succeed. */
  static void ok(CompletableFuture<?> commit) {
    try {
      commit.get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("commit failed", e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("commit did not complete", e);
    }
  }

  /** Waits for a commit that must fail with a {@link StorageException}, and returns it. */
  static StorageException failure(CompletableFuture<?> commit) {
    try {
      commit.get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(StorageException.class);
      return (StorageException) e.getCause();
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("commit did not complete", e);
    }
    return fail("commit succeeded but should have failed");
  }

  /** Waits for any outcome; returns the failure, or null on success. */
  static StorageFailure outcome(CompletableFuture<?> commit) {
    try {
      commit.get(WAIT_SECONDS, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(StorageException.class);
      return ((StorageException) e.getCause()).failure();
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("commit did not complete", e);
    }
  }
}
