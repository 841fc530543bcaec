package io.opencardkit.store.sqlite;

/**
 * How long the write-ahead log may grow before a checkpoint starts it over, and how large its file
 * stays afterwards.
 *
 * @param intervalMillis time between two rounds of the checkpointer
 * @param restartFrames WAL length in frames (one per page written) from which a checkpoint also
 *     restarts the WAL
 * @param restartWaitMillis how long a restart waits for the writer's transaction and for readers
 *     before it gives up until the next round; writers wait behind it for at most this long
 * @param fileLimitBytes the size the WAL file is cut back to when it starts over ({@code PRAGMA
 *     journal_size_limit})
 * @param afterPassive runs between a checkpoint's two steps; tests use it to commit there
 */
record WalLimits(
    long intervalMillis,
    long restartFrames,
    int restartWaitMillis,
    long fileLimitBytes,
    Runnable afterPassive) {
  /**
   * A round every 200 ms; a restart from 8,192 frames of 4 KiB (32 MiB) on that waits at most 100
   * ms; a file cut back to 64 MiB.
   */
  static final WalLimits DEFAULT = new WalLimits(200, 8_192, 100, 64L << 20, () -> {});
}
