package io.opencardkit.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.HdrHistogram.Histogram;

/**
 * The reference R-fsync of docs/benchmarks.md: how many 8 KiB write + fdatasync pairs the data
 * directory's disk does per second, one after another (pg_test_fsync's method). A store that fsyncs
 * once per update is capped here; group commit is how updates/s can exceed it.
 */
final class FsyncProbe {
  /** Rate and latency of write + fdatasync. */
  record Result(long ops, double seconds, Histogram micros) {
    double perSecond() {
      return ops / seconds;
    }
  }

  private FsyncProbe() {}

  static Result run(Path dir, Duration duration) {
    Path file = dir.resolve("fsync-probe.bin");
    Histogram micros = new Histogram(60_000_000L, 3);
    ByteBuffer block = ByteBuffer.allocateDirect(8192);
    long ops = 0;
    try (FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
      long start = System.nanoTime();
      long end = start + duration.toNanos();
      long now = start;
      while (now < end) {
        block.clear();
        block.putLong(0, ops);
        ch.write(
            block,
            (ops % 16) * 8192L); // like a WAL: rewrite a small region, never grow the file much
        ch.force(false);
        long after = System.nanoTime();
        micros.recordValue(Math.max(1, (after - now) / 1000));
        now = after;
        ops++;
      }
      return new Result(ops, (now - start) / 1e9, micros);
    } catch (IOException e) {
      throw new UncheckedIOException("fsync probe in " + dir, e);
    } finally {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // a leftover probe file is harmless
      }
    }
  }
}
