package io.opencardkit.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.core.store.StorageFailure;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

final class PostgresErrorsTest {

  @Test
  void classify_connectionStates_areConnectionLost() {
    for (String state :
        new String[] {"08000", "08001", "08003", "08006", "57P01", "57P02", "57P03"}) {
      assertThat(PostgresErrors.classify(new SQLException("x", state)))
          .as(state)
          .isEqualTo(StorageFailure.CONNECTION_LOST);
    }
  }

  @Test
  void classify_serializationDeadlockAndLockTimeout_areBusy() {
    for (String state : new String[] {"40001", "40P01", "55P03"}) {
      assertThat(PostgresErrors.classify(new SQLException("x", state)))
          .as(state)
          .isEqualTo(StorageFailure.BUSY);
    }
  }

  @Test
  void classify_integrityStates_areConstraintViolation() {
    for (String state : new String[] {"23505", "23503", "23502"}) {
      assertThat(PostgresErrors.classify(new SQLException("x", state)))
          .as(state)
          .isEqualTo(StorageFailure.CONSTRAINT_VIOLATION);
    }
  }

  @Test
  void classify_otherStatesAndNone_areOther() {
    assertThat(PostgresErrors.classify(new SQLException("x", "42P01")))
        .isEqualTo(StorageFailure.OTHER);
    assertThat(PostgresErrors.classify(new SQLException("x", "40002")))
        .isEqualTo(StorageFailure.OTHER);
    assertThat(PostgresErrors.classify(new SQLException("x"))).isEqualTo(StorageFailure.OTHER);
  }

  @Test
  void classify_batchWithoutState_readsTheFailedEntry() {
    BatchUpdateException batch =
        new BatchUpdateException("entry 2 aborted", null, 0, new int[0], null);
    batch.setNextException(new SQLException("duplicate key", "23505"));

    assertThat(PostgresErrors.classify(batch)).isEqualTo(StorageFailure.CONSTRAINT_VIOLATION);
  }

  @Test
  void classify_poolTimeoutWithoutState_isConnectionLost() {
    assertThat(PostgresErrors.classify(new SQLTransientConnectionException("request timed out")))
        .isEqualTo(StorageFailure.CONNECTION_LOST);
  }
}
