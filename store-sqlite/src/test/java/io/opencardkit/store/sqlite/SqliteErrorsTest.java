package io.opencardkit.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.core.store.StorageFailure;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

final class SqliteErrorsTest {

  @Test
  void classify_primaryConstraintCode_isConstraintViolation() {
    assertThat(SqliteErrors.classify(new SQLException("x", null, 19)))
        .isEqualTo(StorageFailure.CONSTRAINT_VIOLATION);
  }

  @Test
  void classify_extendedPrimaryKeyCode_isConstraintViolation() {
    // SQLITE_CONSTRAINT_PRIMARYKEY = 19 | (6 << 8): the low byte is the primary code
    assertThat(SqliteErrors.classify(new SQLException("x", null, 1555)))
        .isEqualTo(StorageFailure.CONSTRAINT_VIOLATION);
  }

  @Test
  void classify_busyAndLocked_areBusy() {
    assertThat(SqliteErrors.classify(new SQLException("x", null, 5)))
        .isEqualTo(StorageFailure.BUSY);
    assertThat(SqliteErrors.classify(new SQLException("x", null, 6)))
        .isEqualTo(StorageFailure.BUSY);
    assertThat(SqliteErrors.classify(new SQLException("x", null, 517)))
        .isEqualTo(StorageFailure.BUSY); // BUSY_SNAPSHOT
  }

  @Test
  void classify_otherCodes_areOther() {
    assertThat(SqliteErrors.classify(new SQLException("x", null, 13)))
        .isEqualTo(StorageFailure.OTHER); // FULL
    assertThat(SqliteErrors.classify(new SQLException("x", null, 0)))
        .isEqualTo(StorageFailure.OTHER);
  }
}
