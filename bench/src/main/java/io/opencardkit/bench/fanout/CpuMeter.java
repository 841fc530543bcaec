package io.opencardkit.bench.fanout;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CPU time of this process by kind of thread (the load generator's event loops, the server's event loops, the
 * SQLite writer, other Java threads, and the rest: GC, JIT and other VM threads), and of the whole machine, so that
 * other processes' load during a window can be reported. Viewers and bots share the JVM with the server.
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

  /** One reading: CPU nanoseconds per thread id, with the thread's kind. */
  record Snapshot(long wallNanos, long processNanos, Map<Long, Long> cpuByThread, Map<Long, String> kindByThread, long machineBusyTicks) {}

  /** Cores used between two readings (1.0 = one core busy all the time). */
  record Usage(double seconds, double processCores, double clientCores, double serverLoopCores, double writerCores,
      double otherJavaCores, double vmCores, double otherProcessesCores) {
    /** Everything in the process but the load generator's threads: the server, GC and JIT. */
    double serverCores() {
      return processCores - clientCores;
    }
  }

  Snapshot snapshot() {
    long[] ids = threads.getAllThreadIds();
    ThreadInfo[] infos = threads.getThreadInfo(ids);
    Map<Long, Long> cpu = new HashMap<>();
    Map<Long, String> kinds = new HashMap<>();
    for (int i = 0; i < ids.length; i++) {
      long t = threads.getThreadCpuTime(ids[i]);
      if (t >= 0 && infos[i] != null) {
        cpu.put(ids[i], t);
        kinds.put(ids[i], kindOf(ids[i], infos[i].getThreadName()));
      }
    }
    return new Snapshot(System.nanoTime(), os.getProcessCpuTime(), cpu, kinds, machineBusyTicks());
  }

  private String kindOf(long id, String name) {
    if (clientThreads.contains(id)) {
      return "client";
    }
    if (name.startsWith("vert.x-eventloop-thread")) {
      return "loops";
    }
    if (name.startsWith("sqlite")) {
      return "writer";
    }
    return "java";
  }

  static Usage between(Snapshot a, Snapshot b) {
    double seconds = (b.wallNanos() - a.wallNanos()) / 1e9;
    Map<String, Double> byKind = new HashMap<>();
    double java = 0;
    for (Map.Entry<Long, Long> e : b.cpuByThread().entrySet()) {
      double s = (e.getValue() - a.cpuByThread().getOrDefault(e.getKey(), 0L)) / 1e9;
      java += s;
      byKind.merge(b.kindByThread().get(e.getKey()), s, Double::sum);
    }
    double process = (b.processNanos() - a.processNanos()) / 1e9;
    double machine = a.machineBusyTicks() < 0 ? Double.NaN : (b.machineBusyTicks() - a.machineBusyTicks()) / 100.0;
    return new Usage(seconds, process / seconds, byKind.getOrDefault("client", 0.0) / seconds, byKind.getOrDefault("loops", 0.0) / seconds,
        byKind.getOrDefault("writer", 0.0) / seconds, byKind.getOrDefault("java", 0.0) / seconds, Math.max(0, process - java) / seconds,
        Math.max(0, machine - process) / seconds);
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
