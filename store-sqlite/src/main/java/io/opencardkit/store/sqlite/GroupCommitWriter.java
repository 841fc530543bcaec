package io.opencardkit.store.sqlite;

import io.opencardkit.core.store.WriteBatch;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The single thread that owns the write connection and commits queued batches in groups. */
final class GroupCommitWriter {
  /*
   * Implementation notes
   *
   * Group commit. commit() only enqueues; one daemon thread ("sqlite-group-commit") owns the write connection. It
   * blocks for the first job, then drains whatever else is queued, up to MAX_GROUP jobs, and writes every batch of
   * that group in ONE transaction: BEGIN IMMEDIATE, the rows, COMMIT. With journal_mode=WAL and synchronous=FULL the
   * COMMIT returns only after the WAL is fsynced, so one fsync covers the whole group, and only then are the group's
   * futures completed. While an fsync is in flight the next batches pile up in the queue and form the next group:
   * the busier the store, the more batches share each fsync, with no timer and no added latency when idle.
   *
   * Ordering. The queue is FIFO and has one consumer, so batches are written, committed and completed in the order
   * commit() enqueued them; concurrent commit() calls are ordered by when they reach the queue. Futures are
   * completed on this thread in that order, so their non-async dependents run here too, in order: they must not
   * block (use the *Async variants for anything slow).
   *
   * Failure isolation. If a group's transaction fails, it is rolled back and each of its batches is retried alone in
   * its own transaction, still in order, so one bad batch (say a version written twice) fails only its own future.
   * Every batch stays atomic: a failed batch leaves no row behind. Retrying costs one fsync per batch for that group
   * only; savepoints per batch would avoid it for constraint errors, but failures are rare and this is simpler.
   *
   * Other jobs. Tasks (compaction) run in the same queue, each in its own transaction, between the batches queued
   * before and after them. close() enqueues STOP under the same lock that guards enqueueing, so nothing can be
   * queued behind it: everything accepted before close() is committed before the connection is closed.
   *
   * Overload. The queue is unbounded; back-pressure comes from callers waiting on their futures.
   */

  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
  private static final int MAX_GROUP = 1000;

  private final BlockingQueue<Job> queue = new LinkedBlockingQueue<>();
  private final Object enqueueLock = new Object();
  private final Connection connection;
  private final BatchStatements statements;
  private final Thread thread;
  private final AtomicLong commits = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private boolean stopping; // guarded by enqueueLock; once true nothing more is queued

  private GroupCommitWriter(Connection connection) throws SQLException {
    this.connection = connection;
    this.statements = new BatchStatements(connection);
    this.thread = new Thread(this::run, "sqlite-group-commit");
    thread.setDaemon(true);
  }

  /** Starts the writer thread; the writer owns {@code connection} from now on and closes it when stopped. */
  static GroupCommitWriter start(Connection connection) throws SQLException {
    GroupCommitWriter writer = new GroupCommitWriter(connection);
    writer.thread.start();
    return writer;
  }

  /** Queues a batch; {@code payloads} are its events' payloads, serialized, in the same order. */
  CompletableFuture<Void> submit(WriteBatch batch, List<String> payloads) {
    CompletableFuture<Void> future = new CompletableFuture<>();
    enqueue(new BatchJob(batch, payloads, future), future);
    return future;
  }

  /** Queues work that runs on the writer thread in its own transaction, after every batch queued before it. */
  <T> CompletableFuture<T> submitTask(SqlWork<T> work) {
    CompletableFuture<T> future = new CompletableFuture<>();
    enqueue(new TaskJob<>(work, future), future);
    return future;
  }

  private void enqueue(Job job, CompletableFuture<?> future) {
    synchronized (enqueueLock) {
      if (stopping) {
        future.completeExceptionally(SqliteErrors.closed());
        return;
      }
      queue.add(job);
    }
  }

  /** Transactions that committed batches, including single-batch retries. */
  long commitsCount() {
    return commits.get();
  }

  /** Batches committed. */
  long batchesCount() {
    return batches.get();
  }

  /** Commits everything queued so far, then closes the connection; waits unless called on the writer itself. */
  void close() {
    synchronized (enqueueLock) {
      if (!stopping) {
        stopping = true;
        queue.add(Stop.INSTANCE);
      }
    }
    if (Thread.currentThread() == thread) {
      return; // a completion callback closing the store: the loop stops once it returns
    }
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    List<Job> jobs = new ArrayList<>();
    boolean stop = false;
    while (!stop) {
      jobs.clear();
      try {
        jobs.add(queue.take());
      } catch (InterruptedException e) {
        continue; // nobody should interrupt this thread; only STOP ends it
      }
      queue.drainTo(jobs, MAX_GROUP - 1);
      try {
        stop = process(jobs);
      } catch (Throwable t) { // keep the writer alive: a dead writer would hang every later commit
        LOG.error("SQLite writer failed on a group of {} jobs", jobs.size(), t);
        for (Job job : jobs) {
          job.fail(t); // a no-op for jobs already completed
        }
        stop = jobs.contains(Stop.INSTANCE);
      }
    }
    try {
      statements.close();
      connection.close();
    } catch (SQLException e) {
      LOG.warn("closing the SQLite write connection failed", e);
    }
  }

  /** Runs a drained list of jobs in order; returns whether STOP was among them. */
  private boolean process(List<Job> jobs) {
    List<BatchJob> group = new ArrayList<>(jobs.size());
    for (Job job : jobs) {
      if (job instanceof BatchJob) {
        group.add((BatchJob) job);
        continue;
      }
      commitGroup(group);
      group.clear();
      if (job instanceof TaskJob) {
        runTask((TaskJob<?>) job);
      } else {
        return true; // STOP is always last: nothing is queued after it
      }
    }
    commitGroup(group);
    return false;
  }

  private void commitGroup(List<BatchJob> group) {
    if (group.isEmpty()) {
      return;
    }
    try {
      statements.begin();
      for (BatchJob job : group) {
        statements.write(job.batch, job.payloads);
      }
      statements.commit();
    } catch (SQLException | RuntimeException e) {
      statements.rollbackQuietly();
      if (group.size() == 1) {
        group.get(0).fail(e);
      } else {
        group.forEach(this::commitAlone);
      }
      return;
    }
    commits.incrementAndGet();
    batches.addAndGet(group.size());
    for (BatchJob job : group) {
      job.future.complete(null);
    }
  }

  private void commitAlone(BatchJob job) {
    try {
      statements.begin();
      statements.write(job.batch, job.payloads);
      statements.commit();
    } catch (SQLException | RuntimeException e) {
      statements.rollbackQuietly();
      job.fail(e);
      return;
    }
    commits.incrementAndGet();
    batches.incrementAndGet();
    job.future.complete(null);
  }

  private <T> void runTask(TaskJob<T> job) {
    T result;
    try {
      statements.begin();
      result = job.work.run(connection);
      statements.commit();
    } catch (SQLException | RuntimeException e) {
      statements.rollbackQuietly();
      job.fail(e);
      return;
    }
    job.future.complete(result);
  }

  /** Work done on the writer's connection inside a transaction. */
  @FunctionalInterface
  interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }

  private interface Job {
    void fail(Throwable t);
  }

  private static final class BatchJob implements Job {
    final WriteBatch batch;
    final List<String> payloads;
    final CompletableFuture<Void> future;

    BatchJob(WriteBatch batch, List<String> payloads, CompletableFuture<Void> future) {
      this.batch = batch;
      this.payloads = payloads;
      this.future = future;
    }

    @Override
    public void fail(Throwable t) {
      future.completeExceptionally(SqliteErrors.wrap("commit", t));
    }
  }

  private static final class TaskJob<T> implements Job {
    final SqlWork<T> work;
    final CompletableFuture<T> future;

    TaskJob(SqlWork<T> work, CompletableFuture<T> future) {
      this.work = work;
      this.future = future;
    }

    @Override
    public void fail(Throwable t) {
      future.completeExceptionally(SqliteErrors.wrap("store task", t));
    }
  }

  private enum Stop implements Job {
    INSTANCE;

    @Override
    public void fail(Throwable t) {}
  }
}
