package io.opencardkit.bench.process;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/**
 * How a benchmark starts the server in a process of its own (a picocli mixin): which runnable jar,
 * extra {@code serve} flags, JVM options, the GC log. So that "before" and "after" are measured by
 * the same tool, the jar is a parameter: build the old tree's dist jar once into a directory of its
 * own and pass it with {@code --server-jar}.
 */
public final class ServerOptions {
  @Option(
      names = "--server-jar",
      description =
          "The server's runnable jar, run as bin/opencardkit runs it: java -jar <jar> serve … (default: dist/target/opencardkit-dist-*-all.jar of this tree).")
  Path serverJar;

  @Option(
      names = "--server-args",
      defaultValue = "",
      description =
          "More flags for serve, space-separated, e.g. \"--event-loops 2 --ws-compression shared\" (default: none). The benchmark"
              + " sets --port, --data, --seed and, where it needs them, --streaming-timeout, --store and --bus itself.")
  String serverArgs;

  @Option(
      names = "--server-java-opts",
      defaultValue = "",
      description =
          "JVM options of the server and reference processes, space-separated (default: none, as bin/opencardkit).")
  String serverJavaOpts;

  @Option(
      names = "--gc-log",
      defaultValue = "true",
      arity = "1",
      description =
          "Log the server's and the references' GC to a file (-Xlog:gc,gc+init) to report their pauses and JVM set-up (default: ${DEFAULT-VALUE}).")
  boolean gcLog;

  public ServerOptions() {}

  /** The jar to run: --server-jar, or the dist jar of this tree. */
  public Path jar() {
    if (serverJar != null) {
      if (!Files.isRegularFile(serverJar)) {
        throw new IllegalArgumentException("--server-jar " + serverJar + ": no such file");
      }
      return serverJar.toAbsolutePath();
    }
    return distJar()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no dist/target/opencardkit-dist-*-all.jar found (from the working directory or next to the bench module); build it with"
                        + " mvn -B -q -pl dist -am package -DskipTests, or give --server-jar"));
  }

  /**
   * The dist module's runnable jar, looked for under the working directory and beside the bench
   * module this class came from.
   */
  static Optional<Path> distJar() {
    List<Path> roots = new ArrayList<>(List.of(Path.of("").toAbsolutePath()));
    try {
      Path here =
          Path.of(
              ServerOptions.class
                  .getProtectionDomain()
                  .getCodeSource()
                  .getLocation()
                  .toURI()); // bench/target/…
      for (Path p = here; p != null; p = p.getParent()) {
        roots.add(p);
      }
    } catch (URISyntaxException | RuntimeException e) {
      // only the working directory, then
    }
    for (Path root : roots) {
      Path target = root.resolve("dist").resolve("target");
      if (Files.isDirectory(target)) {
        try (Stream<Path> files = Files.list(target)) {
          Optional<Path> jar =
              files
                  .filter(f -> f.getFileName().toString().matches("opencardkit-dist-.*-all\\.jar"))
                  .findFirst();
          if (jar.isPresent()) {
            return jar;
          }
        } catch (IOException e) {
          // try the next
        }
      }
    }
    return Optional.empty();
  }

  public List<String> serverArgs() {
    return words(serverArgs);
  }

  public List<String> javaOptions() {
    return words(serverJavaOpts);
  }

  /** Whether --server-jar was given (else the dist jar of this tree is used). */
  public boolean jarGiven() {
    return serverJar != null;
  }

  private String serveHelp; // the jar's serve --help, read once

  /**
   * Whether the jar's {@code serve} takes {@code flag} (its {@code --help} names it): a jar from
   * before a flag existed (a "before" run) refuses to start with it, and lacks what the flag would
   * change anyway.
   */
  public boolean serveTakes(String flag) {
    if (serveHelp == null) {
      serveHelp = helpOf(jar());
    }
    return serveHelp.contains(flag);
  }

  /**
   * Whether the jar's {@code serve} has connection limits, which the benchmark lifts for its
   * loopback clients.
   */
  boolean knowsConnectionLimits() {
    return serveTakes("--max-connections-per-address");
  }

  static String helpOf(Path jar) {
    try {
      String javaBinary = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process help =
          new ProcessBuilder(javaBinary, "-jar", jar.toString(), "serve", "--help")
              .redirectErrorStream(true)
              .start();
      byte[] out = help.getInputStream().readAllBytes();
      help.waitFor();
      return new String(out, java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + jar + " serve --help: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading " + jar + " serve --help", e);
    }
  }

  /**
   * Starts the server: {@code java [--server-java-opts] -jar <jar> serve --port 0 --data <dir>/data
   * [--seed <seed>] <more> [--server-args]}, pinned to {@code cpus} unless null, its GC log in
   * {@code dir}.
   *
   * @param seed the seed file, or null (a cluster node that joins a directory stored already)
   */
  public ServerProcess startServer(
      String name, String cpus, Path dir, Path seed, List<String> more) {
    List<String> args =
        new ArrayList<>(List.of("serve", "--port", "0", "--data", dir.resolve("data").toString()));
    if (knowsConnectionLimits()) {
      args.addAll(
          List.of(
              "--max-connections-per-address", "0")); // every load generator connects from loopback
    }
    if (seed != null) {
      args.addAll(List.of("--seed", seed.toString()));
    }
    args.addAll(more);
    args.addAll(serverArgs());
    return ServerProcess.start(
        name, ServerProcess.Program.jar(jar(), args), cpus, javaOptions(), gcLogIn(dir, name));
  }

  /**
   * Starts a program of the bench module (a reference, a cluster node) the same way: same JVM
   * options, same GC log.
   */
  public ServerProcess startProgram(
      String name, String cpus, Path dir, Class<?> main, List<String> args) {
    return ServerProcess.start(
        name, ServerProcess.Program.mainClass(main, args), cpus, javaOptions(), gcLogIn(dir, name));
  }

  private Path gcLogIn(Path dir, String name) {
    return gcLog ? dir.resolve("gc-" + name.replaceAll("[^A-Za-z0-9._-]", "_") + ".log") : null;
  }

  /**
   * Event loops a bare reference gets: as many as the server was told to use ({@code --event-loops
   * N} in --server-args), else one per CPU it is pinned to, else one per online CPU (what {@code
   * serve} defaults to).
   */
  public int referenceEventLoops(String cpus) {
    return referenceEventLoops(serverArgs(), cpus);
  }

  static int referenceEventLoops(List<String> serverArgs, String cpus) {
    for (int i = 0; i < serverArgs.size(); i++) {
      String a = serverArgs.get(i);
      if (a.equals("--event-loops") && i + 1 < serverArgs.size()) {
        return Integer.parseInt(serverArgs.get(i + 1));
      }
      if (a.startsWith("--event-loops=")) {
        return Integer.parseInt(a.substring("--event-loops=".length()));
      }
    }
    return Affinity.count(cpus != null ? cpus : Affinity.online());
  }

  /** One line for a report's heading. */
  public String describe() {
    List<String> words = new ArrayList<>(List.of("java"));
    words.addAll(javaOptions());
    words.addAll(List.of("-jar", jar().toString(), "serve", "…"));
    words.addAll(serverArgs());
    return "`" + String.join(" ", words) + "`";
  }

  static List<String> words(String s) {
    return Arrays.stream(s.trim().split("\\s+"))
        .filter(w -> !w.isEmpty())
        .collect(Collectors.toList());
  }
}
