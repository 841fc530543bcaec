package io.opencardkit.store.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.opencardkit.core.store.StorageException;
import io.opencardkit.core.store.StorageFailure;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waiting for commit futures in store tests, with a deadline, so that a hang fails the test instead
 * of the build.
 */
public final class Commits {
  private static final long WAIT_SECONDS = 60;

  private Commits() {}

  /** Waits for a commit that must succeed. */
  public static void ok(CompletableFuture<?> commit) {
    StorageException e = outcome(commit);
    if (e != null) {
      throw new AssertionError("commit failed", e);
    }
  }

  /** Waits for a commit that must fail with a {@link StorageException}, and returns it. */
  public static StorageException failure(CompletableFuture<?> commit) {
    StorageException e = outcome(commit);
    return e != null ? e : fail("commit succeeded but should have failed");
  }

  /** Waits for a commit that must fail with a {@link StorageException}, and returns its failure. */
  public static StorageFailure failureOf(CompletableFuture<?> commit) {
    return failure(commit).failure();
  }

  /**
   * Waits for either outcome: {@code null} for success, else the {@link StorageException} it failed
   * with.
   */
  public static StorageException outcome(CompletableFuture<?> commit) {
    try {
      commit.get(WAIT_SECONDS, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(StorageException.class);
      return (StorageException) e.getCause();
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("commit did not complete", e);
    }
  }
}
