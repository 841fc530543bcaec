package io.opencardkit.bench.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link ClusterNode} in a child JVM on this benchmark's own classpath, optionally pinned to one CPU with
 * {@code taskset}: its port, its pid (for /proc), and its counters on request. Closing it ends its standard input,
 * which stops the server cleanly; a node that does not stop within 20 s is killed.
 */
final class NodeProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on https?://[^:]+:(\\d+)");

  final String name;
  final int cpu; // -1 when not pinned
  private final Process process;
  private final OutputStream commands;
  private final CompletableFuture<Integer> port = new CompletableFuture<>();
  private final CompletableFuture<String> jvm = new CompletableFuture<>();
  private CompletableFuture<NodeStats> pendingStats; // guarded by this

  private NodeProcess(String name, int cpu, Process process) {
    this.name = name;
    this.cpu = cpu;
    this.process = process;
    this.commands = process.getOutputStream();
  }

  /**
   * Starts node {@code name} on {@code store} and {@code bus}, pinned to {@code cpu} unless it is negative, and
   * waits until it listens.
   *
   * @param seed the seed file, or null for a node that joins a cluster whose directory is stored already
   */
  static NodeProcess start(String name, int cpu, String store, String bus, Path seed, Path dataDir, List<String> javaOptions) {
    List<String> command = new ArrayList<>();
    if (cpu >= 0) {
      command.addAll(List.of("taskset", "-c", Integer.toString(cpu)));
    }
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(javaOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), ClusterNode.class.getName(),
        "--port", "0", "--data", dataDir.toString(), "--store", store, "--bus", bus));
    if (seed != null) {
      command.addAll(List.of("--seed", seed.toString()));
    }
    try {
      NodeProcess node = new NodeProcess(name, cpu, new ProcessBuilder(command).redirectErrorStream(true).start());
      node.readOutput();
      node.port.get(120, TimeUnit.SECONDS);
      node.jvm.get(10, TimeUnit.SECONDS);
      return node;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start node " + name, e);
    } catch (Exception e) {
      throw new IllegalStateException("node " + name + " did not start listening: " + e.getMessage(), e);
    }
  }

  private void readOutput() {
    BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    Thread reader = new Thread(() -> {
      try {
        for (String line; (line = lines.readLine()) != null; ) {
          accept(line);
        }
      } catch (IOException e) {
        // the process ended: so does its output
      }
      port.completeExceptionally(new IllegalStateException("node " + name + " exited"));
      jvm.completeExceptionally(new IllegalStateException("node " + name + " exited"));
      failPendingStats();
    }, "node-" + name + "-output");
    reader.setDaemon(true);
    reader.start();
  }

  private void accept(String line) {
    Matcher listening = LISTENING.matcher(line);
    if (line.startsWith(ClusterNode.STATS)) {
      completeStats(NodeStats.parse(line));
    } else if (line.startsWith(ClusterNode.JVM)) {
      jvm.complete(line.substring(ClusterNode.JVM.length()).trim());
    } else if (!port.isDone() && listening.find()) {
      port.complete(Integer.parseInt(listening.group(1)));
    } else if (!port.isDone() || line.contains(" WARN ") || line.contains(" ERROR ")) {
      System.err.println("node " + name + ": " + line); // start-up, and anything that went wrong later
    }
  }

  private synchronized void completeStats(NodeStats stats) {
    if (pendingStats != null) {
      pendingStats.complete(stats);
    }
  }

  private synchronized void failPendingStats() {
    if (pendingStats != null) {
      pendingStats.completeExceptionally(new IllegalStateException("node " + name + " exited"));
    }
  }

  int port() {
    return port.join();
  }

  long pid() {
    return process.pid();
  }

  /** How the node's JVM was set up: CPUs it sees, max heap, garbage collector. */
  String jvm() {
    return jvm.getNow("");
  }

  /** Asks the node for its counters and waits for the answer (at most 10 s). */
  NodeStats stats() {
    CompletableFuture<NodeStats> answer;
    synchronized (this) {
      answer = pendingStats = new CompletableFuture<>();
    }
    try {
      commands.write("stats\n".getBytes(StandardCharsets.US_ASCII));
      commands.flush();
      return answer.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("node " + name + " did not answer stats: " + e, e);
    }
  }

  @Override
  public void close() {
    try {
      commands.close();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
