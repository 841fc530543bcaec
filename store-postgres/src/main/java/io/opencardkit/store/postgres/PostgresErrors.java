package io.opencardkit.store.postgres;

import io.opencardkit.core.store.StorageException;
import io.opencardkit.core.store.StorageFailure;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

/** Translates PostgreSQL driver errors into the storage port's {@link StorageFailure}, by SQLState. */
final class PostgresErrors {
  private PostgresErrors() {}

  static StorageFailure classify(SQLException e) {
    String state = sqlState(e);
    if (state.startsWith("08")) { // connection exception
      return StorageFailure.CONNECTION_LOST;
    }
    switch (state) {
      case "57P01": // admin_shutdown: the backend was terminated
      case "57P02": // crash_shutdown
      case "57P03": // cannot_connect_now: the server is starting or shutting down
        return StorageFailure.CONNECTION_LOST;
      case "40001": // serialization_failure
      case "40P01": // deadlock_detected
      case "55P03": // lock_not_available
        return StorageFailure.BUSY;
      default:
        break;
    }
    if (state.startsWith("23")) { // integrity constraint violation
      return StorageFailure.CONSTRAINT_VIOLATION;
    }
    if (state.isEmpty()
        && (e instanceof SQLTransientConnectionException || e instanceof SQLNonTransientConnectionException)) {
      return StorageFailure.CONNECTION_LOST; // a pool's own timeout may carry no state
    }
    return StorageFailure.OTHER;
  }

  /** A classified exception saying what was being done when {@code t} happened. */
  static StorageException wrap(String doing, Throwable t) {
    if (t instanceof StorageException) {
      return (StorageException) t;
    }
    if (t instanceof SQLException) {
      SQLException e = (SQLException) t;
      return new StorageException(classify(e), doing + " failed: " + describe(e), e);
    }
    return new StorageException(StorageFailure.OTHER, doing + " failed: " + t, t);
  }

  static StorageException closed() {
    return new StorageException(StorageFailure.OTHER, "the PostgreSQL store is closed", null);
  }

  static StorageException connectionLost(String message, Throwable cause) {
    return new StorageException(StorageFailure.CONNECTION_LOST, message, cause);
  }

  /**
   * The state of {@code e}, or of the first chained exception that has one: a JDBC batch reports its failed entry
   * as the next exception.
   */
  private static String sqlState(SQLException e) {
    for (SQLException x = e; x != null; x = x.getNextException()) {
      if (x.getSQLState() != null && !x.getSQLState().isEmpty()) {
        return x.getSQLState();
      }
    }
    return "";
  }

  /** The message of {@code e} and, for a batch, of the entry that failed (where the server said what was wrong). */
  private static String describe(SQLException e) {
    SQLException next = e.getNextException();
    String state = sqlState(e);
    String message = next == null ? e.getMessage() : e.getMessage() + " / " + next.getMessage();
    return state.isEmpty() ? message : message + " [SQLState " + state + "]";
  }
}
