package io.opencardkit.store.jdbc;

import io.opencardkit.core.store.StorageException;
import io.opencardkit.core.store.StorageFailure;
import io.opencardkit.core.store.WriteBatch;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The thread of a SQL adapter that owns its write connection and commits queued batches in groups;
 * a subclass says how one group is written to its database.
 */
public abstract class GroupCommitLoop {
  /*
   * Implementation notes
   *
   * Group commit. submit() only enqueues; one daemon thread owns the write connection. It blocks for the first job,
   * then drains whatever else is queued, up to MAX_GROUP jobs, and hands each run of consecutive batches to
   * commitGroup(), which writes them in ONE transaction. While a commit is in flight the next batches pile up in the
   * queue and form the next group: the busier the store, the more batches share each commit, with no timer and no
   * added latency when idle.
   *
   * Ordering. The queue is FIFO and has one consumer, so batches are written, committed and completed in the order
   * submit() enqueued them. Futures are completed on this thread in that order, so their non-async dependents run
   * here too, in order: they must not block (use the *Async variants for anything slow).
   *
   * Other jobs. Tasks (compaction) run in the same queue, between the batches queued before and after them. close()
   * enqueues STOP under the write half of stopLock, and every enqueue holds its read half, so nothing can be queued
   * behind STOP: everything accepted before close() is committed before the connection is closed.
   *
   * No lock between callers. Event loops enqueue concurrently: they share the read half, and the queue is lock-free
   * (LinkedTransferQueue). With a mutex and a LinkedBlockingQueue, whose add wakes the writer while holding its locks,
   * an event loop taken off its CPU inside the critical section held the other loops back (JFR: waits of up to 71 ms
   * at 75,000 frames/s on two cores, docs/benchmarks.md, "Stop 21").
   *
   * Overload. The queue is unbounded; back-pressure comes from callers waiting on their futures.
   */

  /** The most jobs one drain of the queue takes, so one transaction stays bounded. */
  public static final int MAX_GROUP = 1000;

  private static final Object STOP = new Object();

  private final BlockingQueue<Object> queue = new LinkedTransferQueue<>();
  private final ReentrantReadWriteLock stopLock = new ReentrantReadWriteLock();
  private final String storeName;
  private final Thread thread;
  private final AtomicLong commits = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private boolean stopping; // written under stopLock's write half; once true nothing more is queued
  private volatile CommitObserver observer = (batchCount, nanos) -> {};
  private long commitStartedNanos; // the writer thread only

  /**
   * @param storeName the database, as messages name it ({@code "the SQLite store is closed"})
   */
  protected GroupCommitLoop(String threadName, String storeName) {
    this.storeName = storeName;
    thread = new Thread(this::run, threadName);
    thread.setDaemon(true);
  }

  /** Starts the thread; call once, after the subclass is fully built. */
  protected final void start() {
    thread.start();
  }

  /**
   * Writes a consecutive run of queued batches, completing each one's future, in order. Never
   * empty.
   */
  protected abstract void commitGroup(List<QueuedBatch> group);

  /** Runs a task on the write connection, in a transaction of its own, completing its future. */
  protected abstract void runTask(QueuedTask<?> task);

  /** Releases the write connection; called once, on this thread, after the last job. */
  protected abstract void closeConnection();

  /** A classified exception for a failure of {@code doing} ("commit", "compact") on this writer. */
  protected abstract StorageException wrap(String doing, Throwable t);

  /** Queues a batch; {@code payloads} are its events' payloads, serialized, in the same order. */
  public final CompletableFuture<Void> submit(WriteBatch batch, List<String> payloads) {
    QueuedBatch job = new QueuedBatch(batch, payloads);
    enqueue(job, job.future());
    return job.future();
  }

  /**
   * Queues work that runs on the writer thread in its own transaction, after every batch queued
   * before it.
   */
  public final <T> CompletableFuture<T> submitTask(SqlWork<T> work) {
    QueuedTask<T> task = new QueuedTask<>(work);
    enqueue(task, task.future());
    return task.future();
  }

  private void enqueue(Object job, CompletableFuture<?> future) {
    boolean accepted;
    Lock shared = stopLock.readLock();
    shared.lock();
    try {
      accepted = !stopping;
      if (accepted) {
        queue.add(job);
      }
    } finally {
      shared.unlock();
    }
    if (!accepted) {
      // outside the lock: a dependent of the future may close the store, which needs the write half
      future.completeExceptionally(
          new StorageException(
              StorageFailure.OTHER, "the " + storeName + " store is closed", null));
    }
  }

  /** Records a transaction that committed {@code committedBatches} batches. */
  protected final void counted(int committedBatches) {
    commits.incrementAndGet();
    batches.addAndGet(committedBatches);
    // A group split into several transactions: each one is timed from the end of the one before.
    long now = System.nanoTime();
    observer.committed(committedBatches, now - commitStartedNanos);
    commitStartedNanos = now;
  }

  /**
   * Tells {@code commitObserver} about every transaction that commits batches, on the writer
   * thread.
   */
  public final void observeCommits(CommitObserver commitObserver) {
    this.observer = java.util.Objects.requireNonNull(commitObserver, "commitObserver");
  }

  /** Transactions that committed batches, including single-batch retries. */
  public final long commitsCount() {
    return commits.get();
  }

  /** Batches committed. */
  public final long batchesCount() {
    return batches.get();
  }

  /**
   * Commits everything queued so far, then closes the connection; waits unless called on the writer
   * itself.
   */
  public final void close() {
    Lock exclusive = stopLock.writeLock();
    exclusive.lock();
    try {
      if (!stopping) {
        stopping = true;
        queue.add(STOP);
      }
    } finally {
      exclusive.unlock();
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
    List<Object> jobs = new ArrayList<>();
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
        StorageException failure =
            wrap("commit", t); // a bug: the callers see it, with its stack trace
        for (Object job : jobs) {
          failQuietly(job, failure); // a no-op for jobs already completed
        }
        stop = jobs.contains(STOP);
      }
    }
    closeConnection();
  }

  /** Runs a drained list of jobs in order; returns whether STOP was among them. */
  private boolean process(List<Object> jobs) {
    List<QueuedBatch> group = new ArrayList<>(jobs.size());
    for (Object job : jobs) {
      if (job instanceof QueuedBatch) {
        group.add((QueuedBatch) job);
        continue;
      }
      commitNonEmpty(group);
      group.clear();
      if (job == STOP) {
        return true; // STOP is always last: nothing is queued after it
      }
      runTask((QueuedTask<?>) job);
    }
    commitNonEmpty(group);
    return false;
  }

  private void commitNonEmpty(List<QueuedBatch> group) {
    if (!group.isEmpty()) {
      commitStartedNanos = System.nanoTime();
      commitGroup(List.copyOf(group));
    }
  }

  private static void failQuietly(Object job, StorageException failure) {
    if (job instanceof QueuedBatch) {
      ((QueuedBatch) job).fail(failure);
    } else if (job instanceof QueuedTask) {
      ((QueuedTask<?>) job).fail(failure);
    }
  }

  /**
   * Told about each transaction that committed batches (operators' metrics). Runs on the writer
   * thread between commits: it must be quick and must not block.
   */
  @FunctionalInterface
  public interface CommitObserver {
    /**
     * Called once per committed transaction.
     *
     * @param batches the batches the transaction committed
     * @param nanos how long writing and committing them took
     */
    void committed(int batches, long nanos);
  }

  /** Work done on the writer's connection inside a transaction. */
  @FunctionalInterface
  public interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }

  /** Ends the transaction of a task. */
  @FunctionalInterface
  public interface Commit {
    void run() throws SQLException;
  }

  /** A batch waiting in the queue, with the future its caller holds. */
  public static final class QueuedBatch {
    private final WriteBatch batch;
    private final List<String> payloads;
    private final CompletableFuture<Void> future = new CompletableFuture<>();

    QueuedBatch(WriteBatch batch, List<String> payloads) {
      this.batch = batch;
      this.payloads = payloads;
    }

    public WriteBatch batch() {
      return batch;
    }

    /** The serialized payloads of {@code batch().events()}, in the same order. */
    public List<String> payloads() {
      return payloads;
    }

    CompletableFuture<Void> future() {
      return future;
    }

    public void complete() {
      future.complete(null);
    }

    public void fail(StorageException failure) {
      future.completeExceptionally(failure);
    }

    public boolean failed() {
      return future.isCompletedExceptionally();
    }
  }

  /** A task waiting in the queue, with the future its caller holds. */
  public static final class QueuedTask<T> {
    private final SqlWork<T> work;
    private final CompletableFuture<T> future = new CompletableFuture<>();

    QueuedTask(SqlWork<T> work) {
      this.work = work;
    }

    CompletableFuture<T> future() {
      return future;
    }

    /**
     * Runs the work on {@code c}, then {@code commit}, and only then completes the future with the
     * result.
     */
    public void run(Connection c, Commit commit) throws SQLException {
      T result = work.run(c);
      commit.run();
      future.complete(result);
    }

    public void fail(StorageException failure) {
      future.completeExceptionally(failure);
    }
  }
}
