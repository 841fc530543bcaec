package io.opencardkit.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The exclusive hold of one process on a data directory: two servers on one SQLite directory would
 * each keep their own cards in memory and serve different states. An operating-system lock on
 * {@value #FILE_NAME}, so it goes away with the process however it ends (also {@code kill -9}); the
 * file holds the holder's pid for the message that refuses the second one. The file itself stays: a
 * lock file that is left behind means nothing.
 */
final class DataDirLock implements AutoCloseable {
  static final String FILE_NAME = "opencardkit.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** The directory is in use by another process (or another server of this one). */
  static final class HeldException extends RuntimeException {
    HeldException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Takes the directory's lock and writes this process's pid into it.
   *
   * @throws HeldException naming the directory and the holder's pid when another holds it
   */
  static DataDirLock acquire(Path dataDir) {
    Path file = dataDir.resolve(FILE_NAME);
    FileChannel channel;
    try {
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the lock file " + file.toAbsolutePath(), e);
    }
    try {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // held by this very process (another server in the same JVM)
      }
      if (lock == null) {
        String holder = readHolder(channel);
        channel.close();
        throw new HeldException(
            "the data directory "
                + dataDir.toAbsolutePath().normalize()
                + " is in use by another OpenCardKit "
                + (holder.isEmpty() ? "process" : "(pid " + holder + ")")
                + "; stop it first, or give this one another --data");
      }
      channel.truncate(0);
      channel.write(
          ByteBuffer.wrap(
              (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
          0);
      channel.force(false);
      return new DataDirLock(channel, lock);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UncheckedIOException("cannot lock " + file.toAbsolutePath(), e);
    }
  }

  private static String readHolder(FileChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(32);
    channel.read(buffer, 0);
    String text =
        new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
    return text.matches("\\d{1,19}") ? text : "";
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing more to release
    }
  }

  /** Releases the lock (the pid stays in the file until the next holder overwrites it). */
  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // closing the channel releases it too
    }
    closeQuietly(channel);
  }
}
