package io.opencardkit.bench.cluster;

import io.opencardkit.bench.ProcessCpu;
import io.opencardkit.bench.ProcessCpu.ThreadTicks;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a node process's CPU goes between two readings, by thread group, from /proc (the kernel keeps only the first
 * 15 characters of a thread's name, enough to tell the groups apart).
 */
final class NodeCpu {
  static final String EVENT_LOOPS = "event loops (HTTP, WebSocket, bus I/O)";
  static final String BUSIEST_LOOP = "of which the busiest event loop";
  static final String WRITER = "PostgreSQL group-commit writer";
  static final String REPLICATE = "publisher (encode committed batches for the bus)";
  static final String LISTENER = "bus listener (apply other nodes' batches)";
  static final String BLOCKING = "blocking pool (store reads)";
  static final String GC = "GC";
  static final String JIT = "JIT compilers";
  static final String OTHER = "other threads";
  static final List<String> GROUPS = List.of(EVENT_LOOPS, BUSIEST_LOOP, WRITER, REPLICATE, LISTENER, BLOCKING, GC, JIT, OTHER);

  private NodeCpu() {}

  /** A reading: ticks per thread id, with the thread's name; and the whole process's ticks. */
  record Reading(long processTicks, Map<Long, ThreadTicks> threads) {
    static Reading of(long pid) {
      Map<Long, ThreadTicks> threads = new HashMap<>();
      for (ThreadTicks t : ProcessCpu.threads(pid)) {
        threads.put(t.tid(), t);
      }
      return new Reading(ProcessCpu.ticks(pid), threads);
    }
  }

  /** Cores used: the whole process, and each group of {@link #GROUPS}. */
  record Usage(double processCores, Map<String, Double> coresByGroup) {
    double cores(String group) {
      return coresByGroup.getOrDefault(group, 0.0);
    }
  }

  static Usage between(Reading a, Reading b, double seconds) {
    Map<String, Double> groups = new LinkedHashMap<>();
    for (String g : GROUPS) {
      groups.put(g, 0.0);
    }
    for (ThreadTicks t : b.threads().values()) {
      ThreadTicks before = a.threads().get(t.tid());
      double cores = (t.ticks() - (before == null ? 0 : before.ticks())) / ProcessCpu.TICKS_PER_SECOND / seconds;
      String group = groupOf(t.name());
      groups.merge(group, cores, Double::sum);
      if (group.equals(EVENT_LOOPS)) {
        groups.merge(BUSIEST_LOOP, cores, Math::max);
      }
    }
    return new Usage((b.processTicks() - a.processTicks()) / ProcessCpu.TICKS_PER_SECOND / seconds, groups);
  }

  private static String groupOf(String name) {
    if (name.startsWith("vert.x-eventloo")) {
      return EVENT_LOOPS;
    }
    if (name.startsWith("postgres-group")) {
      return WRITER;
    }
    if (name.startsWith("okc-replicate")) {
      return REPLICATE;
    }
    if (name.startsWith("opencardkit-bus")) {
      return LISTENER;
    }
    if (name.startsWith("okc-blocking")) {
      return BLOCKING;
    }
    if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.equals("VM Thread")) {
      return GC; // with one CPU the JVM picks the serial collector, which collects on the VM thread
    }
    if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
      return JIT;
    }
    return OTHER;
  }
}
