package io.opencardkit.bench.fanout;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CPU time of this process, of the load generator's threads (viewers and bots share the JVM with the server), and of
 * the whole machine (so other processes' load during a window can be reported).
 */
final class CpuMeter {
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final Set<Long> clientThreads = ConcurrentHashMap.newKeySet();

  /** Marks the calling thread as a load-generator thread. */
  void markClientThread() {
    clientThreads.add(Thread.currentThread().getId());
  }

  /** One reading. */
  record Snapshot(long wallNanos, long processNanos, long clientNanos, long machineBusyTicks) {}

  /** Cores used between two readings (1.0 = one core busy all the time). */
  record Usage(double seconds, double processCores, double clientCores, double otherProcessesCores) {
    /** Everything in the process but the load generator's threads: the server, GC and JIT. */
    double serverCores() {
      return processCores - clientCores;
    }
  }

  Snapshot snapshot() {
    long client = 0;
    for (long id : clientThreads) {
      long t = threads.getThreadCpuTime(id);
      if (t > 0) {
        client += t;
      }
    }
    return new Snapshot(System.nanoTime(), os.getProcessCpuTime(), client, machineBusyTicks());
  }

  static Usage between(Snapshot a, Snapshot b) {
    double seconds = (b.wallNanos() - a.wallNanos()) / 1e9;
    double process = (b.processNanos() - a.processNanos()) / 1e9;
    double client = (b.clientNanos() - a.clientNanos()) / 1e9;
    double machine = a.machineBusyTicks() < 0 ? Double.NaN : (b.machineBusyTicks() - a.machineBusyTicks()) / 100.0;
    return new Usage(seconds, process / seconds, client / seconds, Math.max(0, machine - process) / seconds);
  }

  /** Busy clock ticks (1/100 s) of all CPUs from /proc/stat, -1 when unavailable. */
  static long machineBusyTicks() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      return Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
          + Long.parseLong(f[7]) + Long.parseLong(f[8]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
