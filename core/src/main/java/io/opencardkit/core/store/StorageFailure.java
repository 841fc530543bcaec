package io.opencardkit.core.store;

/** What the rest of OpenCardKit needs to know about a storage failure, whatever the database. */
public enum StorageFailure {
  /** A unique or key constraint refused the write (for example a version written twice). */
  CONSTRAINT_VIOLATION,
  /** The database is busy or locked; retrying later may succeed. */
  BUSY,
  /** The connection to the database is gone. */
  CONNECTION_LOST,
  /** Anything else. */
  OTHER
}
