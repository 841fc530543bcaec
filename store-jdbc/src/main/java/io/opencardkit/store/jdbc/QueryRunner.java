package io.opencardkit.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Runs one query on a connection an adapter chose; {@link StoreQueries} is written against it. */
@FunctionalInterface
public interface QueryRunner {

  /**
   * Prepares {@code sql} (or reuses a prepared copy), binds it, and maps every row of the result.
   */
  <T> List<T> list(String sql, Binder binder, RowMapper<T> mapper) throws SQLException;

  /** Executes {@code ps}, already bound, and maps every row of its result. */
  static <T> List<T> rows(PreparedStatement ps, RowMapper<T> mapper) throws SQLException {
    List<T> rows = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        rows.add(mapper.map(rs));
      }
    }
    return rows;
  }

  /** Sets the parameters of a prepared statement. */
  @FunctionalInterface
  interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  /** Reads the current row of a result. */
  @FunctionalInterface
  interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }
}
