package io.opencardkit.bench.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child JVM's garbage-collector log ({@code -Xlog:gc,gc+init:file=…}, see {@link #jvmOption}):
 * its stop-the-world pauses in a window, read from the lines the JVM appended meanwhile, and how
 * the JVM set itself up (collector, CPUs it sees, max heap). A pause is logged when it ends, so a
 * window counts the pauses that ended in it.
 */
public final class GcLog {
  private static final Pattern PAUSE =
      Pattern.compile("\\bPause (.*?) ([0-9]+(?:\\.[0-9]+)?)ms\\s*$");
  private static final Pattern USING = Pattern.compile("\\bUsing (\\S+)");
  private static final Pattern CPUS = Pattern.compile("CPUs: (\\d+) total, (\\d+) available");
  private static final Pattern HEAP_MAX = Pattern.compile("Heap Max Capacity: (\\S+)");

  private final Path file;

  public GcLog(Path file) {
    this.file = file;
  }

  /** The JVM option that makes the log this class reads. */
  public static String jvmOption(Path file) {
    return "-Xlog:gc,gc+init:file=" + file + ":uptime,level,tags";
  }

  /**
   * Pauses that ended in a window, apart from those a tool asked for (jcmd GC.run, System.gc()).
   */
  public record Pauses(
      int count, double totalMillis, double maxMillis, int requested, double requestedMillis) {
    public static final Pauses NONE = new Pauses(0, 0, 0, 0, 0);

    public String describe() {
      return String.format(Locale.ROOT, "%d / %.0f / %.1f", count, totalMillis, maxMillis);
    }
  }

  /** Where the log's complete lines end now: a window runs from one such offset to a later one. */
  public long offset() {
    String text = read();
    return text.lastIndexOf('\n') + 1L;
  }

  /** The pauses logged between two {@link #offset()}s. */
  public Pauses between(long from, long to) {
    String text = read();
    return pauses(
        text.substring((int) Math.min(from, text.length()), (int) Math.min(to, text.length())));
  }

  /**
   * The collector, CPUs the JVM sees and its max heap, e.g. "G1, 2 of 2 CPUs, max heap 6028M"; ""
   * when unknown.
   */
  public String jvmSummary() {
    return jvmSummary(read());
  }

  private String read() {
    try {
      return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "";
    }
  }

  /** The pauses in some lines of a log. */
  public static Pauses pauses(String lines) {
    int count = 0;
    double total = 0;
    double max = 0;
    int requested = 0;
    double requestedMillis = 0;
    for (String line : lines.split("\\n")) {
      if (!line.contains("[gc") || line.contains("gc,init")) {
        continue;
      }
      Matcher m = PAUSE.matcher(line);
      if (!m.find()) {
        continue;
      }
      double millis = Double.parseDouble(m.group(2));
      if (m.group(1).contains("(Diagnostic Command)") || m.group(1).contains("(System.gc())")) {
        requested++;
        requestedMillis += millis;
      } else {
        count++;
        total += millis;
        max = Math.max(max, millis);
      }
    }
    return new Pauses(count, total, max, requested, requestedMillis);
  }

  /** The set-up lines of a log in a few words. */
  public static String jvmSummary(String log) {
    List<String> parts = new ArrayList<>();
    Matcher using = USING.matcher(log);
    if (using.find()) {
      parts.add(using.group(1));
    }
    Matcher cpus = CPUS.matcher(log);
    if (cpus.find()) {
      parts.add(cpus.group(2) + " of " + cpus.group(1) + " CPUs");
    }
    Matcher heap = HEAP_MAX.matcher(log);
    if (heap.find()) {
      parts.add("max heap " + heap.group(1));
    }
    return String.join(", ", parts);
  }
}
