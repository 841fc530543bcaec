package io.opencardkit.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where this JVM's CPU time goes between two snapshots, by thread group: the load generator's event
 * loop(s), the server's event loops, the store's group-commit writer, other Java threads, and the
 * rest of the process (GC, JIT and other VM threads, which the thread MX bean does not list); and,
 * outside it, PostgreSQL's processes and the rest of the machine.
 */
public final class CpuMeter {
  static final String CLIENT = "load generator (client event loop)";
  static final String SERVER_LOOPS = "server HTTP event loop(s)";
  static final String WRITER = "store group-commit writer (SQLite or PostgreSQL)";
  static final String OTHER_JAVA = "other Java threads";
  static final String VM = "GC, JIT, other VM threads";

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final Set<Long> clientThreads = ConcurrentHashMap.newKeySet();

  /** Marks the calling thread as a load-generator thread. */
  public void markClientThread() {
    clientThreads.add(Thread.currentThread().getId());
  }

  /** CPU nanoseconds per thread, the process total and GC counters at one moment. */
  public record Snapshot(
      long wallNanos,
      long processCpuNanos,
      Map<Long, Long> cpuByThread,
      Map<Long, String> names,
      long gcCount,
      long gcMillis,
      long machineBusyTicks,
      long postgresTicks) {}

  public Snapshot snapshot() {
    long[] ids = threads.getAllThreadIds();
    Map<Long, Long> cpu = new HashMap<>();
    Map<Long, String> names = new HashMap<>();
    ThreadInfo[] infos = threads.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      long t = threads.getThreadCpuTime(ids[i]);
      if (t >= 0 && infos[i] != null) {
        cpu.put(ids[i], t);
        names.put(ids[i], infos[i].getThreadName());
      }
    }
    long gcCount = 0;
    long gcMillis = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      gcCount += Math.max(0, gc.getCollectionCount());
      gcMillis += Math.max(0, gc.getCollectionTime());
    }
    return new Snapshot(
        System.nanoTime(),
        os.getProcessCpuTime(),
        cpu,
        names,
        gcCount,
        gcMillis,
        machineBusyTicks(),
        ProcessCpu.ticksOfProcessesNamed("postgres"));
  }

  /**
   * Busy time of all CPUs of the machine from /proc/stat (user, nice, system, irq, softirq, steal),
   * in clock ticks of 1/100 s; -1 where there is no /proc/stat.
   */
  public static long machineBusyTicks() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      return Long.parseLong(f[1])
          + Long.parseLong(f[2])
          + Long.parseLong(f[3])
          + Long.parseLong(f[6])
          + Long.parseLong(f[7])
          + Long.parseLong(f[8]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** CPU used between two snapshots. */
  public record Usage(
      double wallSeconds,
      double processSeconds,
      Map<String, Double> secondsByGroup,
      long gcCount,
      long gcMillis,
      double machineBusySeconds,
      double postgresSeconds) {
    /**
     * Cores that other processes of the machine kept busy meanwhile (other builds and tests),
     * PostgreSQL's processes not included (see {@link #postgresCores()}); NaN if unknown.
     */
    public double otherProcessesCores() {
      return machineBusySeconds < 0
          ? Double.NaN
          : Math.max(0, machineBusySeconds - processSeconds - Math.max(0, postgresSeconds))
              / wallSeconds;
    }

    /**
     * Cores PostgreSQL's processes used (all of them: this run's backends, its WAL writer, other
     * clients'); NaN if unknown.
     */
    public double postgresCores() {
      return postgresSeconds < 0 ? Double.NaN : postgresSeconds / wallSeconds;
    }

    /** Average cores busy in a group (1.0 = one core fully). */
    double cores(String group) {
      return secondsByGroup.getOrDefault(group, 0.0) / wallSeconds;
    }

    public double processCores() {
      return processSeconds / wallSeconds;
    }

    double serverSeconds() {
      return processSeconds - secondsByGroup.getOrDefault(CLIENT, 0.0);
    }
  }

  public Usage between(Snapshot a, Snapshot b) {
    Map<String, Double> groups = new LinkedHashMap<>();
    for (String g : new String[] {CLIENT, SERVER_LOOPS, WRITER, OTHER_JAVA, VM}) {
      groups.put(g, 0.0);
    }
    double javaTotal = 0;
    for (Map.Entry<Long, Long> e : b.cpuByThread().entrySet()) {
      long before = a.cpuByThread().getOrDefault(e.getKey(), 0L);
      double seconds = (e.getValue() - before) / 1e9;
      javaTotal += seconds;
      groups.merge(groupOf(e.getKey(), b.names().get(e.getKey())), seconds, Double::sum);
    }
    double process = (b.processCpuNanos() - a.processCpuNanos()) / 1e9;
    groups.put(VM, Math.max(0, process - javaTotal));
    double machine =
        a.machineBusyTicks() < 0 || b.machineBusyTicks() < 0
            ? -1
            : (b.machineBusyTicks() - a.machineBusyTicks()) / 100.0;
    double postgres =
        a.postgresTicks() < 0 || b.postgresTicks() < 0
            ? -1
            : Math.max(0, b.postgresTicks() - a.postgresTicks()) / ProcessCpu.TICKS_PER_SECOND;
    return new Usage(
        (b.wallNanos() - a.wallNanos()) / 1e9,
        process,
        groups,
        b.gcCount() - a.gcCount(),
        b.gcMillis() - a.gcMillis(),
        machine,
        postgres);
  }

  private String groupOf(long id, String name) {
    if (clientThreads.contains(id)) {
      return CLIENT;
    }
    if (name.startsWith("vert.x-eventloop-thread")) {
      return SERVER_LOOPS;
    }
    if (name.equals("sqlite-group-commit") || name.startsWith("postgres-group-commit")) {
      return WRITER;
    }
    return OTHER_JAVA;
  }
}
