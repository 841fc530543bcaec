package io.opencardkit.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU time of other processes and of their threads, read from Linux's /proc, in clock ticks of
 * 1/100 s (user + system time). For the processes a benchmark does not run in its own JVM: server
 * nodes started as child processes, PostgreSQL, a private redis-server.
 */
public final class ProcessCpu {
  /** Ticks per second of /proc's times (USER_HZ, 100 on every Linux this runs on). */
  public static final double TICKS_PER_SECOND = 100.0;

  private ProcessCpu() {}

  /**
   * One thread of a process: its id, its name as the kernel keeps it (at most 15 characters) and
   * its ticks.
   */
  public record ThreadTicks(long tid, String name, long ticks) {}

  /** utime + stime of process {@code pid}, or -1 if it is gone. */
  public static long ticks(long pid) {
    return ticksOf(Path.of("/proc", Long.toString(pid), "stat"));
  }

  /**
   * utime + stime of every process whose name ({@code /proc/<pid>/comm}) is {@code name}, added up.
   * A process that exits between two readings takes its ticks with it, so the difference
   * undercounts short-lived processes.
   */
  public static long ticksOfProcessesNamed(String name) {
    long total = 0;
    try (DirectoryStream<Path> processes =
        Files.newDirectoryStream(Path.of("/proc"), ProcessCpu::isNumeric)) {
      for (Path process : processes) {
        if (name.equals(comm(process))) {
          total += Math.max(0, ticksOf(process.resolve("stat")));
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return total;
  }

  /**
   * The pid of a process named {@code name} whose command line (as the process shows it:
   * redis-server rewrites its own to {@code redis-server 127.0.0.1:6379}) contains {@code part}; -1
   * when there is none.
   */
  public static long pidOf(String name, String part) {
    try (DirectoryStream<Path> processes =
        Files.newDirectoryStream(Path.of("/proc"), ProcessCpu::isNumeric)) {
      for (Path process : processes) {
        if (name.equals(comm(process))
            && new String(
                    Files.readAllBytes(process.resolve("cmdline")),
                    java.nio.charset.StandardCharsets.UTF_8)
                .replace('\0', ' ')
                .contains(part)) {
          return Long.parseLong(process.getFileName().toString());
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /** Every thread of process {@code pid} with its ticks; empty if the process is gone. */
  public static List<ThreadTicks> threads(long pid) {
    List<ThreadTicks> threads = new ArrayList<>();
    try (DirectoryStream<Path> tasks =
        Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks) {
        long ticks = ticksOf(task.resolve("stat"));
        if (ticks >= 0) {
          threads.add(
              new ThreadTicks(Long.parseLong(task.getFileName().toString()), comm(task), ticks));
        }
      }
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
    return threads;
  }

  private static boolean isNumeric(Path p) {
    String name = p.getFileName().toString();
    return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
  }

  private static String comm(Path processOrTask) {
    try {
      return Files.readString(processOrTask.resolve("comm")).trim();
    } catch (IOException e) {
      return "";
    }
  }

  private static long ticksOf(Path stat) {
    try {
      return ticksOfStat(Files.readString(stat));
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * utime + stime (fields 14 and 15) of the text of a {@code stat} file. The name in parentheses
   * may hold spaces and parentheses, so fields are counted from the last closing one.
   */
  public static long ticksOfStat(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /**
   * The resident set of process {@code pid} ({@code VmRSS} of /proc/<pid>/status) in KiB, or -1 if
   * it is gone.
   */
  public static long rssKib(long pid) {
    try {
      return statusKib(Files.readString(Path.of("/proc", Long.toString(pid), "status")), "VmRSS");
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * A {@code kB} field of the text of a {@code status} file (e.g. {@code VmRSS}, {@code VmHWM}); -1
   * when absent.
   */
  public static long statusKib(String status, String field) {
    for (String line : status.split("\n")) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
      }
    }
    return -1;
  }
}
