package io.opencardkit.core.store;

/** A storage adapter's failure, classified. */
public final class StorageException extends RuntimeException {
  private final StorageFailure failure;

  public StorageException(StorageFailure failure, String message, Throwable cause) {
    super(message, cause);
    this.failure = failure;
  }

  public StorageFailure failure() {
    return failure;
  }
}
