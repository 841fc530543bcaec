package io.opencardkit.store.postgres;

import io.opencardkit.core.engine.CardEvent;
import io.opencardkit.core.store.StorageException;
import io.opencardkit.core.store.StorageFailure;
import io.opencardkit.core.store.WriteBatch;
import io.opencardkit.store.jdbc.GroupCommitLoop;
import io.opencardkit.store.postgres.HeadClaims.Claim;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer thread of one node: group commit over one connection, safe beside other nodes'
 * writers.
 */
final class PostgresWriter extends GroupCommitLoop {
  /*
   * Implementation notes
   *
   * Several nodes, one database. Nothing but the database orders the writes of different nodes, so each
   * transaction first claims the head row of every card it adds events to (see HeadClaims): an upsert that moves
   * cards.version up to the batch's highest version only if it is below the batch's lowest. A granted claim locks
   * the row until COMMIT, so a concurrent writer of the same card waits and then sees the new head; a claim that is
   * not granted means the version is stored already, by another node or a stale writer, and the batch is refused
   * (CONSTRAINT_VIOLATION) without writing anything. Claims run in lock order (card id), and upserts of other rows in
   * key order, so transactions of different nodes never wait for each other in a cycle.
   *
   * One transaction per group. Claims, then the accepted batches' rows, then COMMIT; futures complete in submission
   * order after it. If the verdict is inconsistent (a batch accepted for one card and refused for another, or one
   * after a refused batch of its card), or any statement fails, the transaction is rolled back and each batch is
   * committed alone, in order, so a bad batch fails only its own future. In that replay a batch after a failed batch
   * of one of its cards fails without being tried: it was decided on top of rows that were not stored.
   *
   * Connection loss. A failure that loses the connection (SQLState 08xxx, 57P0x, or the driver closing it) fails the
   * whole group with CONNECTION_LOST, a COMMIT whose outcome is unknown too: the caller reloads what is stored. The
   * session is dropped; before the next group the writer connects again, at once the first time and then with a
   * growing pause (ReconnectBackoff), failing each group at once with CONNECTION_LOST until it succeeds. No future
   * ever waits for the database to come back.
   */

  private static final Logger LOG = LoggerFactory.getLogger(PostgresWriter.class);
  private static final Duration FIRST_RETRY = Duration.ofMillis(100);
  private static final Duration LONGEST_RETRY = Duration.ofSeconds(2);

  private final PostgresConfig config;
  private final ReconnectBackoff backoff;
  private WriterSession session; // null while disconnected; used by the writer thread only
  private SQLException lastConnectFailure; // while disconnected: why the last attempt failed
  private volatile int backendPid = -1;

  private PostgresWriter(PostgresConfig config, WriterSession session, LongSupplier nanoTime) {
    super("postgres-group-commit-" + config.schema(), "PostgreSQL");
    this.config = config;
    this.session = session;
    this.backendPid = session.backendPid();
    this.backoff = new ReconnectBackoff(nanoTime, FIRST_RETRY, LONGEST_RETRY);
  }

  /** Connects and starts the writer thread; fails if the first connection cannot be made. */
  static PostgresWriter start(PostgresConfig config) throws SQLException {
    PostgresWriter writer =
        new PostgresWriter(config, WriterSession.open(config), System::nanoTime);
    writer.start();
    return writer;
  }

  /** The server process of the writer's current connection, or -1 while disconnected. */
  int backendPid() {
    return backendPid;
  }

  @Override
  protected void commitGroup(List<QueuedBatch> group) {
    WriterSession s = connectedSession();
    if (s == null) {
      failAll(group, unreachable());
      return;
    }
    try {
      if (commitTogether(s, group)) {
        return;
      }
    } catch (SQLException | RuntimeException e) {
      if (lostConnection(s, e)) {
        failAll(group, connectionLost("commit", e));
        return;
      }
      s.rollbackQuietly();
      if (group.size() == 1) {
        group.get(0).fail(PostgresErrors.wrap("commit", e));
        return;
      }
      LOG.debug(
          "a group of {} batches failed and is split: {}",
          group.size(),
          PostgresErrors.describe(e));
    }
    commitEachAlone(s, group);
  }

  /**
   * Commits {@code jobs} in one transaction, refused batches excepted, and completes their futures;
   * returns false, having rolled back, when the verdict on several batches is inconsistent and they
   * must be committed alone.
   */
  private boolean commitTogether(WriterSession s, List<QueuedBatch> jobs) throws SQLException {
    List<Claim> claims = HeadClaims.inLockOrder(batchesOf(jobs));
    HeadVerdict verdict = HeadVerdict.judge(jobs.size(), claims, s.claimHeads(claims));
    if (!verdict.consistent() && jobs.size() > 1) {
      LOG.debug("a group of {} batches is split: a refused batch had a granted claim", jobs.size());
      s.rollback();
      return false;
    }
    List<QueuedBatch> accepted = new ArrayList<>(jobs.size());
    for (int i = 0; i < jobs.size(); i++) {
      if (!verdict.refused(i)) {
        accepted.add(jobs.get(i));
      }
    }
    if (accepted.isEmpty()) {
      s.rollback(); // a lone inconsistent batch moved a head: undo it
    } else {
      s.writeRows(accepted);
      s.commit();
      counted(accepted.size());
    }
    for (int i = 0; i < jobs.size(); i++) {
      if (verdict.refused(i)) {
        jobs.get(i).fail(refused(verdict.reason(i)));
      } else {
        jobs.get(i).complete();
      }
    }
    return true;
  }

  private void commitEachAlone(WriterSession s, List<QueuedBatch> group) {
    Set<String> failedCards = new HashSet<>();
    StorageException lost =
        null; // once the connection is lost, the rest of the group fails with it
    for (QueuedBatch job : group) {
      String blocked = firstCardIn(job.batch(), failedCards);
      if (lost != null) {
        job.fail(lost);
      } else if (blocked != null) {
        job.fail(refused("an earlier batch of card " + blocked + " in the same group failed"));
      } else {
        lost = commitAlone(s, job);
      }
      if (job.failed()) {
        job.batch().events().forEach(e -> failedCards.add(e.cardId()));
      }
    }
  }

  /**
   * Commits one batch in a transaction of its own; returns its failure if that cost the connection,
   * else null.
   */
  private StorageException commitAlone(WriterSession s, QueuedBatch job) {
    try {
      commitTogether(s, List.of(job));
      return null;
    } catch (SQLException | RuntimeException e) {
      if (lostConnection(s, e)) {
        StorageException lost = connectionLost("commit", e);
        job.fail(lost);
        return lost;
      }
      s.rollbackQuietly();
      job.fail(PostgresErrors.wrap("commit", e));
      return null;
    }
  }

  @Override
  protected void runTask(QueuedTask<?> task) {
    WriterSession s = connectedSession();
    if (s == null) {
      task.fail(unreachable());
      return;
    }
    try {
      task.run(s.connection(), s::commit);
    } catch (SQLException | RuntimeException e) {
      if (lostConnection(s, e)) {
        task.fail(connectionLost("store task", e));
        return;
      }
      s.rollbackQuietly();
      task.fail(PostgresErrors.wrap("store task", e));
    }
  }

  /**
   * The session, connecting first if there is none and the backoff allows an attempt now; null if
   * none.
   */
  private WriterSession connectedSession() {
    if (session != null) {
      return session;
    }
    if (!backoff.mayAttempt()) {
      return null;
    }
    try {
      session = WriterSession.open(config);
    } catch (SQLException e) {
      if (backoff.failures() == 0) {
        LOG.warn(
            "cannot reconnect the PostgreSQL writer to {}: {}",
            config.redacted(),
            PostgresErrors.describe(e));
      }
      backoff.failed();
      lastConnectFailure = e;
      return null;
    }
    LOG.info(
        "PostgreSQL writer connected to {} (backend pid {}) after {} failed attempts",
        config.redacted(),
        session.backendPid(),
        backoff.failures());
    backoff.succeeded();
    lastConnectFailure = null;
    backendPid = session.backendPid();
    return session;
  }

  /**
   * Whether {@code e} cost the connection; if so the session is dropped and the next group
   * reconnects.
   */
  private boolean lostConnection(WriterSession s, Exception e) {
    boolean lost =
        (e instanceof SQLException
                && PostgresErrors.classify((SQLException) e) == StorageFailure.CONNECTION_LOST)
            || s.isBroken();
    if (lost && s == session) {
      LOG.warn(
          "PostgreSQL writer lost its connection (backend pid {}): {}",
          s.backendPid(),
          PostgresErrors.describe(e));
      s.close();
      session = null;
      backendPid = -1;
    }
    return lost;
  }

  private StorageException connectionLost(String doing, Exception e) {
    // the outcome of an interrupted COMMIT is unknown: the caller must reload what is really stored
    return PostgresErrors.connectionLost(
        doing + " failed, the connection to PostgreSQL was lost: " + PostgresErrors.describe(e), e);
  }

  private StorageException unreachable() {
    String why =
        lastConnectFailure == null ? "" : ": " + PostgresErrors.describe(lastConnectFailure);
    return PostgresErrors.connectionLost(
        "PostgreSQL is unreachable, next connection attempt in "
            + backoff.untilNextAttempt().toMillis()
            + " ms"
            + why,
        lastConnectFailure);
  }

  private static StorageException refused(String reason) {
    return new StorageException(
        StorageFailure.CONSTRAINT_VIOLATION, "commit refused: " + reason, null);
  }

  private static void failAll(List<QueuedBatch> group, StorageException failure) {
    group.forEach(job -> job.fail(failure));
  }

  private static List<WriteBatch> batchesOf(List<QueuedBatch> jobs) {
    List<WriteBatch> batches = new ArrayList<>(jobs.size());
    jobs.forEach(job -> batches.add(job.batch()));
    return batches;
  }

  private static String firstCardIn(WriteBatch batch, Set<String> cards) {
    for (CardEvent e : batch.events()) {
      if (cards.contains(e.cardId())) {
        return e.cardId();
      }
    }
    return null;
  }

  @Override
  protected void closeConnection() {
    if (session != null) {
      session.close();
      session = null;
      backendPid = -1;
    }
  }

  @Override
  protected StorageException wrap(String doing, Throwable t) {
    return PostgresErrors.wrap(doing, t);
  }
}
