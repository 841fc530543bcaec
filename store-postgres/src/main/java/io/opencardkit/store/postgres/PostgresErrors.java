package io.opencardkit.store.postgres;

import io.opencardkit.core.store.StorageException;
import io.opencardkit.core.store.StorageFailure;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

/**
 * Translates PostgreSQL driver errors into the storage port's {@link StorageFailure}, by SQLState.
 */
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
        && (e instanceof SQLTransientConnectionException
            || e instanceof SQLNonTransientConnectionException)) {
      return StorageFailure.CONNECTION_LOST; // a pool's own timeout may carry no state
    }
    return StorageFailure.OTHER;
  }

  /**
   * The failure of the first SQL error among {@code t} and its causes (Flyway's and the pool's wrap
   * one).
   */
  static StorageFailure classifyCauses(Throwable t) {
    for (Throwable x = t; x != null; x = x.getCause()) {
      if (x instanceof SQLException) {
        return classify((SQLException) x);
      }
    }
    return StorageFailure.OTHER;
  }

  /** A classified exception saying what was being done when {@code t} happened. */
  static StorageException wrap(String doing, Throwable t) {
    if (t instanceof StorageException) {
      return (StorageException) t;
    }
    if (t instanceof SQLException) {
      return new StorageException(
          classify((SQLException) t), doing + " failed: " + describe(t), chainable(t));
    }
    return new StorageException(StorageFailure.OTHER, doing + " failed: " + t, t);
  }

  static StorageException closed() {
    return new StorageException(StorageFailure.OTHER, "the PostgreSQL store is closed", null);
  }

  static StorageException connectionLost(String message, Throwable cause) {
    return new StorageException(StorageFailure.CONNECTION_LOST, message, chainable(cause));
  }

  /**
   * The exception to keep as the cause of a {@link StorageException}: for a batch, the failed
   * entry's own error, since the batch's message quotes bound values and a logged stack trace
   * prints every cause's message.
   */
  static Throwable chainable(Throwable t) {
    if (t instanceof BatchUpdateException
        && ((BatchUpdateException) t).getNextException() != null) {
      return ((BatchUpdateException) t).getNextException();
    }
    return t;
  }

  /**
   * The state of {@code e}, or of the first chained exception that has one: a JDBC batch reports
   * its failed entry as the next exception.
   */
  private static String sqlState(SQLException e) {
    for (SQLException x = e; x != null; x = x.getNextException()) {
      if (x.getSQLState() != null && !x.getSQLState().isEmpty()) {
        return x.getSQLState();
      }
    }
    return "";
  }

  /**
   * The message of {@code e} fit for a log line: a batch's own message quotes the statement with
   * its bound values (a meta value may hold app secrets), so for a batch the failed entry's server
   * message is taken instead. The driver is told to leave out the server's detail lines ({@code
   * logServerErrorDetail=false}), which quote rows.
   */
  static String describe(Throwable t) {
    if (!(t instanceof SQLException)) {
      return String.valueOf(t);
    }
    SQLException e = (SQLException) t;
    String message =
        e instanceof BatchUpdateException && e.getNextException() != null
            ? "batch entry failed: " + e.getNextException().getMessage()
            : e.getMessage();
    String state = sqlState(e);
    return state.isEmpty() ? message : message + " [SQLState " + state + "]";
  }
}
