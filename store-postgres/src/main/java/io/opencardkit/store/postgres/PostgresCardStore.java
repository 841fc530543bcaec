package io.opencardkit.store.postgres;

import io.opencardkit.core.store.CardStore;
import io.opencardkit.core.store.StorageException;
import io.opencardkit.store.jdbc.GroupCommitLoop.SqlWork;
import io.opencardkit.store.jdbc.QueryRunner;
import io.opencardkit.store.jdbc.SqlCardStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link CardStore} for several server nodes sharing one PostgreSQL database. Each node's
 * commits share transactions through group commit (see {@link PostgresWriter}); a card's version is
 * stored once whichever node writes it, the loser's batch failing with {@link
 * StorageFailure#CONSTRAINT_VIOLATION}. Queries run on a pool.
 *
 * <p>Futures returned by {@link #commit} complete on the writer thread: their non-async dependents
 * must not block.
 */
public final class PostgresCardStore extends SqlCardStore {
  // locks the stale heads in card id order, the writers' lock order, then deletes them and every
  // row of their cards
  private static final String DELETE_STALE_CARDS =
      "WITH stale AS (SELECT card_id FROM cards WHERE last_at < ? ORDER BY card_id FOR UPDATE),"
          + " heads AS (DELETE FROM cards WHERE card_id IN (SELECT card_id FROM stale) RETURNING card_id),"
          + " events AS (DELETE FROM card_events WHERE card_id IN (SELECT card_id FROM heads)),"
          + " snapshots AS (DELETE FROM card_snapshots WHERE card_id IN (SELECT card_id FROM heads))"
          + " SELECT count(*) FROM heads";

  // the head rows: one index probe per card, one round trip for all of them
  private static final String SELECT_HEADS =
      "SELECT card_id, version FROM cards WHERE card_id = ANY(?)";

  private final PostgresWriter writer;

  private PostgresCardStore(PostgresWriter writer, PostgresReader reader) {
    super(writer, reader);
    this.writer = writer;
  }

  /**
   * Migrates the schema (creating it if missing), then connects the writer and the read pool.
   *
   * @throws StorageException when the database cannot be reached or migrated; the message shows no
   *     password
   */
  public static PostgresCardStore open(PostgresConfig config) {
    Objects.requireNonNull(config, "config");
    migrate(config);
    PostgresWriter writer = null;
    try {
      writer = PostgresWriter.start(config);
      return new PostgresCardStore(
          writer, new PostgresReader(PostgresConnections.openReadPool(config)));
    } catch (SQLException | RuntimeException e) {
      if (writer != null) {
        writer.close();
      }
      throw new StorageException(
          PostgresErrors.classifyCauses(e),
          "cannot open the PostgreSQL store "
              + config.redacted()
              + ": "
              + PostgresErrors.describe(e),
          PostgresErrors.chainable(e));
    }
  }

  /**
   * Creates the schema if missing and applies the migrations not applied yet; what {@link #open}
   * does first, for an operator who migrates before starting the nodes. Safe to run from several
   * nodes at once.
   *
   * @throws StorageException when the database cannot be reached or a migration fails
   */
  public static void migrate(PostgresConfig config) {
    PostgresSchema.migrate(Objects.requireNonNull(config, "config"));
  }

  /** {@inheritDoc} "Last event" is the card's head row, whichever node wrote it. */
  @Override
  protected int deleteCardsOlderThan(Connection c, long olderThanMillis) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(DELETE_STALE_CARDS)) {
      ps.setLong(1, olderThanMillis);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** {@inheritDoc} The cards' head rows, whichever node wrote them. */
  @Override
  protected Map<String, Long> queryStoredVersions(QueryRunner q, List<String> cardIds)
      throws SQLException {
    Map<String, Long> versions = new HashMap<>();
    List<Map.Entry<String, Long>> heads =
        q.list(
            SELECT_HEADS,
            ps -> ps.setArray(1, ps.getConnection().createArrayOf("text", cardIds.toArray())),
            rs -> Map.entry(rs.getString(1), rs.getLong(2)));
    heads.forEach(head -> versions.put(head.getKey(), head.getValue()));
    return versions;
  }

  /**
   * Runs {@code work} on the writer thread in a transaction of its own; for tests that need to hold
   * the writer.
   */
  <T> CompletableFuture<T> runOnWriter(SqlWork<T> work) {
    return submitToWriter(work);
  }

  /**
   * The server process of the writer's connection (-1 while disconnected); for tests that cut it.
   */
  int writerBackendPid() {
    return writer.backendPid();
  }
}
