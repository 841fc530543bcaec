package io.opencardkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencardkit.server.testkit.RawHttpConnection;
import io.opencardkit.server.testkit.ServerProcess;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, finding 3: two servers on one {@code --data} directory both started and served
 * different states. Now the second refuses to start, naming the directory and the process that
 * holds it, and the directory is free again as soon as the holder is gone, however it ended.
 */
final class DataDirLockTest {
  @TempDir Path dir;

  @Test
  void secondServe_onTheSameDataDirectory_exitsNonZeroNamingTheDirectoryAndTheHolder()
      throws Exception {
    Path data = dir.resolve("data");
    try (ServerProcess first = ServerProcess.start(data, List.of())) {
      Result second = run(ServerProcess.command(List.of(), data, List.of()));

      assertThat(second.exitCode()).as(second.output()).isNotZero();
      assertThat(second.output())
          .contains("the data directory " + data.toAbsolutePath().normalize() + " is in use")
          .contains("pid " + first.pid());
      assertThat(healthz(first)).as("the first server goes on").isEqualTo(200);
    }
  }

  @Test
  void lock_isReleasedWhenTheHolderIsKilledWithSigkill() throws Exception {
    Path data = dir.resolve("data");
    ServerProcess first = ServerProcess.start(data, List.of());
    first.kill9();

    try (ServerProcess second = ServerProcess.start(data, List.of())) {
      assertThat(healthz(second)).isEqualTo(200);
      assertThat(java.nio.file.Files.readString(data.resolve(DataDirLock.FILE_NAME)).trim())
          .isEqualTo(Long.toString(second.pid()));
    }
  }

  @Test
  @SuppressWarnings("try") // the lock is only held for the block (Java 17 has no unnamed variable)
  void lock_inOneProcess_isHeldUntilClosed() throws Exception {
    Path data = java.nio.file.Files.createDirectories(dir.resolve("data"));
    try (DataDirLock lock = DataDirLock.acquire(data)) {
      assertThatThrownBy(() -> DataDirLock.acquire(data))
          .isInstanceOf(DataDirLock.HeldException.class)
          .hasMessageContaining(data.toAbsolutePath().normalize().toString())
          .hasMessageContaining("pid " + ProcessHandle.current().pid());
    }
    DataDirLock.acquire(data).close(); // free again
  }

  @Test
  @SuppressWarnings(
      "try") // the server is only held for the block (Java 17 has no unnamed variable)
  void restartedServer_inTheSameJvm_takesTheDirectoryAgain() throws Exception {
    ServerConfig config = ServerConfig.defaults().withPort(0).withDataDir(dir.resolve("data"));
    java.io.PrintStream silent = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
    try (OpenCardKitServer server = OpenCardKitServer.start(config, silent)) {
      assertThatThrownBy(() -> OpenCardKitServer.start(config, silent))
          .isInstanceOf(DataDirLock.HeldException.class);
    }
    OpenCardKitServer.start(config, silent).close();
  }

  private static int healthz(ServerProcess server) {
    try (RawHttpConnection connection = RawHttpConnection.open(server.baseUrl())) {
      return connection
          .send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
          .readResponse()
          .status();
    }
  }

  private record Result(int exitCode, String output) {}

  private static Result run(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    Thread reader =
        new Thread(
            () -> {
              try (InputStream in = process.getInputStream()) {
                in.transferTo(output);
              } catch (java.io.IOException e) {
                // the process ended
              }
            });
    reader.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      reader.join(10_000);
      throw new AssertionError(
          "the second server did not exit: " + output.toString(StandardCharsets.UTF_8));
    }
    reader.join(10_000);
    return new Result(process.exitValue(), output.toString(StandardCharsets.UTF_8));
  }
}
