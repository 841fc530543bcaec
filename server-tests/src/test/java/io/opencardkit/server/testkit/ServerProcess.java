package io.opencardkit.server.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OpenCardKit in a child JVM ({@code opencardkit serve}), for what needs a real process: {@code
 * kill -9}, restarts, clients in other languages. Reads the bound port from the start-up line.
 */
public final class ServerProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on (https?://[^ ]+)");

  private final Process process;
  private final String baseUrl;

  @SuppressWarnings(
      "JdkObsolete") // appended by the thread that reads the process, read by the test's
  private final StringBuffer output = new StringBuffer();

  private volatile Thread drain; // reads the output until the process closes it

  private ServerProcess(Process process, String baseUrl) {
    this.process = process;
    this.baseUrl = baseUrl;
  }

  /** Starts {@code serve --port 0 --data dataDir [extra…]} and waits until it listens. */
  public static ServerProcess start(Path dataDir, List<String> extraArgs) {
    return start(List.of(), dataDir, extraArgs);
  }

  /** {@link #start(Path, List)} with options for the child JVM (say, to make it start faster). */
  public static ServerProcess start(List<String> jvmOptions, Path dataDir, List<String> extraArgs) {
    return start(command(jvmOptions, dataDir, extraArgs));
  }

  /**
   * {@link #start(Path, List)} under an open-files limit ({@code ulimit -n}), as a small server or
   * container has.
   */
  public static ServerProcess startWithOpenFilesLimit(
      int openFiles, Path dataDir, List<String> extraArgs) {
    List<String> java = command(List.of(), dataDir, extraArgs);
    StringBuilder script = new StringBuilder("ulimit -n ").append(openFiles).append(" && exec");
    for (String part : java) {
      script.append(" '").append(part.replace("'", "'\\''")).append('\'');
    }
    return start(List.of("bash", "-c", script.toString()));
  }

  /**
   * The command line of {@code serve --port 0 --data dataDir [extra…]} in a new JVM with this
   * test's classpath.
   */
  public static List<String> command(
      List<String> jvmOptions, Path dataDir, List<String> extraArgs) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("io.opencardkit.server.Main");
    command.add("serve");
    command.add("--port");
    command.add("0");
    command.add("--data");
    command.add(dataDir.toString());
    command.addAll(extraArgs);
    return command;
  }

  private static ServerProcess start(List<String> command) {
    Process process = null;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
      BufferedReader reader =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      StringBuilder seen = new StringBuilder();
      CompletableFuture<String> url =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  String line;
                  while ((line = reader.readLine()) != null) {
                    seen.append(line).append('\n');
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                      return m.group(1);
                    }
                  }
                  throw new IllegalStateException("server exited before listening:\n" + seen);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      String baseUrl = url.get(60, TimeUnit.SECONDS);
      ServerProcess server = new ServerProcess(process, baseUrl);
      server.output.append(seen);
      Thread drain =
          new Thread(
              () -> {
                try {
                  reader.lines().forEach(l -> server.output.append(l).append('\n'));
                } catch (UncheckedIOException e) {
                  // the process was destroyed: its output ends here
                }
              },
              "server-output");
      drain.setDaemon(true);
      drain.start();
      server.drain = drain;
      return server;
    } catch (Exception e) {
      if (process != null) {
        process
            .destroyForcibly(); // a process that did not come up in time must not outlive the test
      }
      throw new IllegalStateException("could not start the server process: " + e, e);
    }
  }

  public String baseUrl() {
    return baseUrl;
  }

  /** The server's process id. */
  public long pid() {
    return process.pid();
  }

  /** Everything the process printed so far. */
  public String output() {
    return output.toString();
  }

  /** Kills the process with SIGKILL, as {@code kill -9}: no shutdown hook runs. */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("process did not die");
    }
  }

  /**
   * Sends SIGTERM, as {@code kill} does (a deploy or scale-in): the node stops gracefully. Returns
   * at once.
   */
  public void terminate() {
    // Process.destroy() would also close our end of its output, losing its last lines
    process.toHandle().destroy();
  }

  /**
   * Whether the process exited within {@code timeout}; if so, {@link #output()} then holds all it
   * printed.
   */
  public boolean exitedWithin(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return false;
    }
    drain.join(
        Math.max(
            1,
            TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) + 1000)); // the last lines
    return true;
  }

  public void waitFor(Duration timeout) throws InterruptedException {
    process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
