package io.opencardkit.bus.redis.testing;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private redis-server for one test: the installed {@code redis-server} on a free loopback port,
 * without persistence, which the test may stop, restart on the same port, or freeze. Tests that
 * break Redis use one of these, never the machine's shared server on 6379. Close it with
 * try-with-resources, so that a failing test stops it too (a shutdown hook kills it if the JVM ends
 * first).
 */
public final class RedisServerProcess implements AutoCloseable {
  private static final Duration START_DEADLINE = Duration.ofSeconds(10);
  private static final Duration STOP_DEADLINE = Duration.ofSeconds(5);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(10);
  private static final int REPLY_TIMEOUT_MILLIS = 2_000;

  private final Path executable;
  private final int port;
  private final List<String> extraArguments;
  private final Path directory; // working directory and log file
  private final Thread killAtExit = new Thread(this::killNow, "redis-server-process-kill-at-exit");
  private volatile Process
      process; // null while stopped; volatile for the shutdown hook, which takes no lock
  private boolean frozen;

  private RedisServerProcess(
      Path executable, int port, List<String> extraArguments, Path directory) {
    this.executable = executable;
    this.port = port;
    this.extraArguments = extraArguments;
    this.directory = directory;
  }

  /**
   * Starts redis-server on a free loopback port and returns once it answers PING.
   *
   * @param extraArguments more redis-server options, e.g. {@code "--requirepass", "secret"}
   * @throws IllegalStateException if redis-server is not installed, exits, or does not answer
   *     within 10 s
   */
  public static RedisServerProcess start(String... extraArguments) {
    Path directory;
    try {
      directory = Files.createTempDirectory("redis-server-process");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    RedisServerProcess server =
        new RedisServerProcess(findExecutable(), freePort(), List.of(extraArguments), directory);
    Runtime.getRuntime().addShutdownHook(server.killAtExit);
    try {
      server.launch();
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  private static Path findExecutable() {
    return Stream.concat(
            Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .map(dir -> Path.of(dir, "redis-server")),
            Stream.of(Path.of("/usr/bin/redis-server")))
        .filter(Files::isExecutable)
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "redis-server is not installed (apt-get install redis-server)"));
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The port it listens on (the same after {@link #restart()}). */
  public int port() {
    return port;
  }

  /** The URL a bus connects with: {@code redis://127.0.0.1:<port>}. */
  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** Whether the process runs now. */
  public synchronized boolean running() {
    return process != null && process.isAlive();
  }

  /**
   * Stops the server: SIGTERM, then SIGKILL if it has not exited within 5 s. Does nothing if it is
   * stopped.
   */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    if (frozen) {
      thaw(); // a stopped process would not act on SIGTERM until SIGCONT
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(STOP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /**
   * Stops the server if it runs, starts it again on the same port and returns once it answers PING.
   */
  public synchronized void restart() {
    stop();
    launch();
  }

  /**
   * Freezes the process (SIGSTOP): its sockets stay open but nothing answers, as behind a silent
   * network.
   */
  public synchronized void freeze() {
    signal("-STOP");
    frozen = true;
  }

  /** Lets a frozen process run again (SIGCONT). */
  public synchronized void thaw() {
    signal("-CONT");
    frozen = false;
  }

  /**
   * Sends one command on a fresh connection and returns the reply: a status, error or integer reply
   * as its line ({@code "+PONG"}, {@code ":1"}), a bulk reply as its text (for a server started
   * without {@code --requirepass}).
   */
  public String command(String... arguments) {
    try (Socket socket = new Socket()) {
      socket.connect(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), port), REPLY_TIMEOUT_MILLIS);
      socket.setSoTimeout(REPLY_TIMEOUT_MILLIS);
      OutputStream out = socket.getOutputStream();
      out.write(encode(arguments));
      out.flush();
      DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
      String reply = readLine(in);
      if (!reply.startsWith("$") || reply.equals("$-1")) {
        return reply;
      }
      byte[] bulk = new byte[Integer.parseInt(reply.substring(1))];
      in.readFully(bulk);
      return new String(bulk, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** How many clients are connected now, not counting the connection that asks. */
  public int connectedClients() {
    return (int) command("CLIENT", "LIST").lines().count() - 1;
  }

  private static String readLine(DataInputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b != '\r'; b = in.read()) {
      if (b == -1) {
        throw new EOFException("redis-server closed the connection without answering");
      }
      line.append((char) b);
    }
    in.readByte(); // the '\n' after '\r'
    return line.toString();
  }

  private static byte[] encode(String... arguments) {
    StringBuilder command = new StringBuilder("*").append(arguments.length).append("\r\n");
    for (String argument : arguments) {
      byte[] bytes = argument.getBytes(StandardCharsets.UTF_8);
      command.append('$').append(bytes.length).append("\r\n").append(argument).append("\r\n");
    }
    return command.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Stops the server and deletes its directory. */
  @Override
  public synchronized void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(killAtExit);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook runs anyway
    }
    deleteDirectory();
  }

  private void launch() {
    List<String> command =
        new ArrayList<>(List.of(executable.toString(), "--port", String.valueOf(port)));
    command.addAll(List.of("--bind", "127.0.0.1", "--save", "", "--appendonly", "no"));
    command.addAll(List.of("--dir", directory.toString(), "--daemonize", "no"));
    command.addAll(extraArguments);
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    awaitAnswering();
  }

  private void awaitAnswering() {
    long deadline = System.nanoTime() + START_DEADLINE.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "redis-server exited with code "
                + process.exitValue()
                + " on port "
                + port
                + ":\n"
                + log());
      }
      if (answersPing()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "redis-server did not answer PING on port "
                + port
                + " within "
                + START_DEADLINE
                + ":\n"
                + log());
      }
      pause();
    }
  }

  private boolean answersPing() {
    try {
      String reply = command("PING");
      return reply.equals("+PONG") || reply.startsWith("-NOAUTH"); // both mean it serves clients
    } catch (UncheckedIOException notYet) {
      return false;
    }
  }

  private static void pause() {
    try {
      Thread.sleep(POLL_INTERVAL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for redis-server", e);
    }
  }

  private void signal(String signal) {
    Process process = this.process;
    if (process == null) {
      throw new IllegalStateException("redis-server is stopped");
    }
    try {
      Process kill = new ProcessBuilder("kill", signal, String.valueOf(process.pid())).start();
      if (kill.waitFor() != 0) {
        throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while signalling redis-server", e);
    }
  }

  private void killNow() {
    Process running = process;
    if (running != null) {
      running.destroyForcibly();
    }
  }

  private Path logFile() {
    return directory.resolve("redis.log");
  }

  private String log() {
    try {
      return Files.readString(logFile());
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private void deleteDirectory() {
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is harmless
    }
  }
}
