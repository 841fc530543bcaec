package io.opencardkit.bench.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * CPU lists as {@code taskset -c} takes them ({@code 0}, {@code 0,1}, {@code 0-3}), and pinning
 * processes to them: a child process by starting it under {@code taskset -c}, this JVM (every
 * thread, so also the load generator's event loops already running) with {@code taskset -a -c -p}.
 */
public final class Affinity {
  private Affinity() {}

  /** How many CPUs a list names: {@code 0,1} and {@code 0-1} are 2, {@code 0-1,3} is 3. */
  public static int count(String cpus) {
    int n = 0;
    for (String part : cpus.trim().split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int dash = p.indexOf('-');
      if (dash < 0) {
        Integer.parseInt(p); // a number, or the list is bad
        n++;
      } else {
        int from = Integer.parseInt(p.substring(0, dash).trim());
        int to = Integer.parseInt(p.substring(dash + 1).trim());
        if (to < from) {
          throw new IllegalArgumentException("bad CPU range " + p);
        }
        n += to - from + 1;
      }
    }
    if (n == 0) {
      throw new IllegalArgumentException("no CPU in \"" + cpus + "\"");
    }
    return n;
  }

  /**
   * The machine's online CPUs as a list ({@code /sys/devices/system/cpu/online}, e.g. {@code 0-1}).
   */
  public static String online() {
    try {
      return Files.readString(Path.of("/sys/devices/system/cpu/online"), StandardCharsets.US_ASCII)
          .trim();
    } catch (IOException | RuntimeException e) {
      return "0-" + (Runtime.getRuntime().availableProcessors() - 1);
    }
  }

  /** {@code taskset -c <cpus>}, to put in front of a command; empty for null (not pinned). */
  public static List<String> prefix(String cpus) {
    return cpus == null ? List.of() : List.of("taskset", "-c", cpus);
  }

  /**
   * Pins every thread of this JVM to {@code cpus} (threads it starts later inherit it), or back to
   * every online CPU for null.
   */
  public static void pinSelf(String cpus) {
    String list = cpus == null ? online() : cpus;
    List<String> command =
        List.of("taskset", "-a", "-c", "-p", list, Long.toString(ProcessHandle.current().pid()));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + output.trim());
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run taskset (util-linux): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while pinning", e);
    }
  }
}
