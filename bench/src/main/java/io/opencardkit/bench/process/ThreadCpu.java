package io.opencardkit.bench.process;

import io.opencardkit.bench.ProcessCpu;
import io.opencardkit.bench.ProcessCpu.ThreadTicks;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a JVM process's CPU goes between two readings, by thread group, from /proc/&lt;pid&gt;/task
 * (the kernel keeps only the first 15 characters of a thread's name, enough to tell the groups
 * apart). Used for every process a benchmark starts: the server, the bare references, cluster
 * nodes.
 */
public final class ThreadCpu {
  public static final String EVENT_LOOPS = "event loops (HTTP, WebSocket, bus I/O)";
  public static final String BUSIEST_LOOP = "of which the busiest event loop";
  public static final String WRITER = "store group-commit writer (SQLite or PostgreSQL)";
  public static final String CARD_FEED = "card feed (committed events to the hub)";
  public static final String REPLICATE = "publisher (encode committed batches for the bus)";
  public static final String LISTENER = "bus listener (apply other nodes' batches)";
  public static final String BLOCKING = "blocking and worker pools";
  public static final String GC = "GC";
  public static final String JIT = "JIT compilers";
  public static final String OTHER = "other threads";
  public static final List<String> GROUPS =
      List.of(
          EVENT_LOOPS,
          BUSIEST_LOOP,
          WRITER,
          CARD_FEED,
          REPLICATE,
          LISTENER,
          BLOCKING,
          GC,
          JIT,
          OTHER);

  private ThreadCpu() {}

  /**
   * A reading: ticks per thread id, with the thread's name; and the whole process's ticks (-1 when
   * it is gone).
   */
  public record Reading(long processTicks, Map<Long, ThreadTicks> threads) {
    public static Reading of(long pid) {
      return of(ProcessCpu.ticks(pid), ProcessCpu.threads(pid));
    }

    public static Reading of(long processTicks, List<ThreadTicks> threads) {
      Map<Long, ThreadTicks> byId = new HashMap<>();
      for (ThreadTicks t : threads) {
        byId.put(t.tid(), t);
      }
      return new Reading(processTicks, byId);
    }
  }

  /**
   * Cores used: the whole process, each group of {@link #GROUPS}, and how many event loops were
   * busy at all (≥ 0.05 cores), which tells whether the work spread over the loops.
   */
  public record Usage(double processCores, Map<String, Double> coresByGroup, int busyLoops) {
    public double cores(String group) {
      return coresByGroup.getOrDefault(group, 0.0);
    }

    /** No reading (the process was not running in this window). */
    public static final Usage NONE = new Usage(0, Map.of(), 0);
  }

  /**
   * What happened between two readings {@code seconds} apart; threads that ended meanwhile are not
   * counted.
   */
  public static Usage between(Reading a, Reading b, double seconds) {
    Map<String, Double> groups = new LinkedHashMap<>();
    for (String g : GROUPS) {
      groups.put(g, 0.0);
    }
    int busyLoops = 0;
    for (ThreadTicks t : b.threads().values()) {
      ThreadTicks before = a.threads().get(t.tid());
      double cores =
          (t.ticks() - (before == null ? 0 : before.ticks()))
              / ProcessCpu.TICKS_PER_SECOND
              / seconds;
      String group = groupOf(t.name());
      groups.merge(group, cores, Double::sum);
      if (group.equals(EVENT_LOOPS)) {
        groups.merge(BUSIEST_LOOP, cores, Math::max);
        busyLoops += cores >= 0.05 ? 1 : 0;
      }
    }
    double process =
        a.processTicks() < 0 || b.processTicks() < 0
            ? 0
            : (b.processTicks() - a.processTicks()) / ProcessCpu.TICKS_PER_SECOND / seconds;
    return new Usage(process, groups, busyLoops);
  }

  /** The group of a thread by its name as /proc shows it (at most 15 characters). */
  public static String groupOf(String name) {
    if (name.startsWith("vert.x-eventloo")) {
      return EVENT_LOOPS;
    }
    if (name.startsWith("sqlite-group-co") || name.startsWith("postgres-group")) {
      return WRITER;
    }
    if (name.startsWith("okc-card-feed")) {
      return CARD_FEED;
    }
    if (name.startsWith("okc-replicate")) {
      return REPLICATE;
    }
    if (name.startsWith("opencardkit-bus")) {
      return LISTENER;
    }
    if (name.startsWith("okc-blocking")
        || name.startsWith("vert.x-worker")
        || name.startsWith("vert.x-internal")) {
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
