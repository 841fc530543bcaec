package io.opencardkit.bench.process;

import io.opencardkit.bench.ProcessCpu;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A program under load in a JVM of its own, so that its CPU, memory, GC and JIT are its own: the
 * OpenCardKit server as {@code bin/opencardkit serve} runs it ({@code java -jar <dist jar> serve
 * …}), or a program of the bench module (the bare Vert.x references, a cluster node) on this JVM's
 * classpath. Optionally pinned to CPUs with {@code taskset}, with its garbage-collector log in a
 * file ({@link GcLog}). {@link #start} returns once it printed "listening on http://host:port" and
 * its {@code /healthz} answers 200.
 *
 * <p>It reads from outside, at any moment ({@link #read}): CPU in all and per thread group from
 * /proc/&lt;pid&gt;/task ({@link ThreadCpu}), resident memory, and how far the GC log has grown;
 * {@link #between} turns two readings into a window's usage. Programs that take commands on
 * standard input answer with a line of their own ({@link #ask}). Closing it sends SIGTERM (the
 * server's shutdown hook closes it cleanly) and, after 20 s, SIGKILL; a shutdown hook of this JVM
 * does the same for every process still running, so none outlives a benchmark that ends or is
 * stopped with Ctrl-C (kill -9 of the benchmark would leave them: their pids are logged at start).
 */
public final class ServerProcess implements AutoCloseable {
  private static final Pattern LISTENING =
      Pattern.compile("listening on (https?)://([^:/\\s]+):(\\d+)");
  private static final Set<ServerProcess> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> RUNNING.forEach(p -> p.process.destroyForcibly()), "okc-bench-children"));
  }

  /**
   * What the child JVM runs after its options: {@code -jar <jar> args…} or {@code -cp <this
   * classpath> <main> args…}.
   */
  public record Program(String description, List<String> javaArguments) {
    public static Program jar(Path jar, List<String> args) {
      List<String> all = new ArrayList<>(List.of("-jar", jar.toString()));
      all.addAll(args);
      return new Program(jar.getFileName() + " " + String.join(" ", args), all);
    }

    public static Program mainClass(Class<?> main, List<String> args) {
      List<String> all =
          new ArrayList<>(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
      all.addAll(args);
      return new Program(main.getSimpleName() + " " + String.join(" ", args), all);
    }
  }

  /** CPU, memory and GC log length of the process at one moment. */
  public record Reading(long nanos, ThreadCpu.Reading cpu, long rssKib, long gcOffset) {}

  /**
   * What the process used in a window: cores by thread group, resident memory at its end, GC pauses
   * that ended in it.
   */
  public record Usage(double seconds, ThreadCpu.Usage cpu, long rssKib, GcLog.Pauses gc) {
    public double cores() {
      return cpu.processCores();
    }

    /** No process in this window. */
    public static final Usage NONE = new Usage(0, ThreadCpu.Usage.NONE, -1, GcLog.Pauses.NONE);
  }

  public final String name;

  /** The CPUs it is pinned to, or null. */
  public final String cpus;

  private final Process process;
  private final List<String> command;
  private final OutputStream commands;
  private final GcLog gcLog; // null without a GC log
  private final CompletableFuture<Integer> port = new CompletableFuture<>();
  private final Deque<String> lastLines = new ArrayDeque<>();
  private String host = "127.0.0.1";
  private String awaitedPrefix; // guarded by this
  private CompletableFuture<String> answer; // guarded by this

  private ServerProcess(
      String name, String cpus, Process process, List<String> command, GcLog gcLog) {
    this.name = name;
    this.cpus = cpus;
    this.process = process;
    this.command = command;
    this.commands = process.getOutputStream();
    this.gcLog = gcLog;
  }

  /**
   * The whole command line: {@code taskset -c <cpus>} when pinned, this JVM's {@code java}, the
   * options, the GC log option when {@code gcLog} is not null, then the program.
   */
  public static List<String> command(
      String cpus, List<String> javaOptions, Path gcLog, Program program) {
    List<String> command = new ArrayList<>(Affinity.prefix(cpus));
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(javaOptions);
    if (gcLog != null) {
      command.add(GcLog.jvmOption(gcLog));
    }
    command.addAll(program.javaArguments());
    return command;
  }

  /**
   * Starts {@code program} and waits (at most 2 minutes) until it listens and its {@code /healthz}
   * answers.
   *
   * @param cpus CPUs to pin it to, or null
   * @param gcLog the GC log file, or null for none
   */
  public static ServerProcess start(
      String name, Program program, String cpus, List<String> javaOptions, Path gcLog) {
    List<String> command = command(cpus, javaOptions, gcLog, program);
    ServerProcess started;
    try {
      started =
          new ServerProcess(
              name,
              cpus,
              new ProcessBuilder(command).redirectErrorStream(true).start(),
              command,
              gcLog == null ? null : new GcLog(gcLog));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
    }
    RUNNING.add(started);
    try {
      started.readOutput();
      int port = started.port.get(120, TimeUnit.SECONDS);
      started.awaitHealthy(port);
      System.err.printf(
          "%s: pid %d, port %d%s: %s%n",
          name,
          started.pid(),
          port,
          cpus == null ? "" : ", CPUs " + cpus,
          String.join(" ", command));
      return started;
    } catch (Exception e) {
      started.close();
      throw new IllegalStateException(
          name + " did not start (" + e.getMessage() + "); its last lines:\n" + started.lastLines(),
          e);
    }
  }

  private void readOutput() {
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    Thread reader =
        new Thread(
            () -> {
              try {
                for (String line; (line = lines.readLine()) != null; ) {
                  accept(line);
                }
              } catch (IOException e) {
                // the process ended: so does its output
              }
              port.completeExceptionally(new IllegalStateException(name + " exited"));
              fail(new IllegalStateException(name + " exited"));
            },
            name + "-output");
    reader.setDaemon(true);
    reader.start();
  }

  private void accept(String line) {
    synchronized (lastLines) {
      lastLines.addLast(line);
      if (lastLines.size() > 40) {
        lastLines.removeFirst();
      }
    }
    synchronized (this) {
      if (awaitedPrefix != null && line.startsWith(awaitedPrefix)) {
        answer.complete(line);
        awaitedPrefix = null;
        return;
      }
    }
    Matcher listening = LISTENING.matcher(line);
    if (!port.isDone() && listening.find()) {
      host = listening.group(2);
      port.complete(Integer.parseInt(listening.group(3)));
    } else if (line.contains(" WARN ") || line.contains(" ERROR ") || line.contains("Exception")) {
      System.err.println(
          name + ": " + line); // what went wrong; start-up lines are shown if it fails to start
    }
  }

  private synchronized void fail(Exception e) {
    if (answer != null) {
      answer.completeExceptionally(e);
    }
  }

  private String lastLines() {
    synchronized (lastLines) {
      return String.join("\n", lastLines);
    }
  }

  private void awaitHealthy(int port) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest healthz =
        HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/healthz"))
            .timeout(Duration.ofSeconds(5))
            .build();
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (true) {
      try {
        if (http.send(healthz, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not yet
      }
      if (System.nanoTime() > deadline || !process.isAlive()) {
        throw new IllegalStateException("/healthz did not answer 200 within 2 minutes");
      }
      Thread.sleep(100);
    }
  }

  public int port() {
    return port.join();
  }

  public String host() {
    return host;
  }

  public long pid() {
    return process.pid();
  }

  /** The command line it was started with. */
  public String commandLine() {
    return String.join(" ", command);
  }

  /**
   * How its JVM set itself up (collector, CPUs it sees, max heap), from the GC log; "" without one.
   */
  public String jvmSummary() {
    return gcLog == null ? "" : gcLog.jvmSummary();
  }

  public Reading read() {
    return new Reading(
        System.nanoTime(),
        ThreadCpu.Reading.of(pid()),
        ProcessCpu.rssKib(pid()),
        gcLog == null ? 0 : gcLog.offset());
  }

  /** Its usage between two readings. */
  public Usage between(Reading a, Reading b) {
    double seconds = (b.nanos() - a.nanos()) / 1e9;
    return new Usage(
        seconds,
        ThreadCpu.between(a.cpu(), b.cpu(), seconds),
        b.rssKib(),
        gcLog == null ? GcLog.Pauses.NONE : gcLog.between(a.gcOffset(), b.gcOffset()));
  }

  /**
   * Writes {@code command} as a line to its standard input and waits for the line that starts with
   * {@code answerPrefix}.
   */
  public String ask(String command, String answerPrefix, Duration timeout) {
    CompletableFuture<String> reply;
    synchronized (this) {
      if (awaitedPrefix != null) {
        throw new IllegalStateException(name + ": one question at a time");
      }
      awaitedPrefix = answerPrefix;
      reply = answer = new CompletableFuture<>();
    }
    try {
      commands.write((command + "\n").getBytes(StandardCharsets.UTF_8));
      commands.flush();
      return reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      synchronized (this) {
        awaitedPrefix = null;
      }
      throw new IllegalStateException(name + " did not answer \"" + command + "\": " + e, e);
    }
  }

  /**
   * Runs {@code jcmd <pid> <arguments>} (e.g. GC.run, GC.heap_info) and returns what it printed.
   */
  public String jcmd(String... arguments) {
    List<String> jcmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid())));
    jcmd.addAll(List.of(arguments));
    try {
      Process p = new ProcessBuilder(jcmd).redirectErrorStream(true).start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(60, TimeUnit.SECONDS);
      return text;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    try {
      commands.close(); // a program that reads commands ends with its input
    } catch (IOException e) {
      // it is ending anyway
    }
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    RUNNING.remove(this);
  }
}
