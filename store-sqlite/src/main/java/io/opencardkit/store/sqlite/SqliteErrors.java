package io.opencardkit.store.sqlite;

import io.opencardkit.core.store.StorageException;
import io.opencardkit.core.store.StorageFailure;
import java.sql.SQLException;

/** Translates SQLite driver errors into the storage port's {@link StorageFailure}. */
final class SqliteErrors {
  private SqliteErrors() {}

  static StorageFailure classify(SQLException e) {
    switch (e.getErrorCode()
        & 0xFF) { // SQLite primary result code; the driver may report an extended one
      case 19: // SQLITE_CONSTRAINT
        return StorageFailure.CONSTRAINT_VIOLATION;
      case 5: // SQLITE_BUSY
      case 6: // SQLITE_LOCKED
        return StorageFailure.BUSY;
      default:
        return StorageFailure.OTHER;
    }
  }

  /** A classified exception saying what was being done when {@code e} happened. */
  static StorageException wrap(String doing, SQLException e) {
    return new StorageException(classify(e), doing + " failed: " + e.getMessage(), e);
  }

  /**
   * A classified exception for any failure of a write; only SQL errors can be more specific than
   * OTHER.
   */
  static StorageException wrap(String doing, Throwable t) {
    if (t instanceof StorageException) {
      return (StorageException) t;
    }
    if (t instanceof SQLException) {
      return wrap(doing, (SQLException) t);
    }
    return new StorageException(StorageFailure.OTHER, doing + " failed: " + t, t);
  }

  static StorageException closed() {
    return new StorageException(StorageFailure.OTHER, "the SQLite store is closed", null);
  }
}
