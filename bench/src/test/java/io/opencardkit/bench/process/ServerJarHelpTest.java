package io.opencardkit.bench.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark lifts the per-address connection limit only on a server jar that has one: a jar
 * from before issue 10 (a "before" run) refuses unknown flags, so its {@code serve --help} decides.
 */
final class ServerJarHelpTest {
  @TempDir Path dir;

  /** {@code serve --help} of a server with connection limits. */
  public static final class ServeWithLimits {
    public static void main(String[] args) {
      System.out.println(
          "Usage: opencardkit serve [--port 8080] [--max-connections-per-address N]");
    }
  }

  /** {@code serve --help} of a server from before them. */
  public static final class ServeWithoutLimits {
    public static void main(String[] args) {
      System.out.println("Usage: opencardkit serve [--port 8080] [--event-loops N]");
    }
  }

  /** A runnable jar whose main class is {@code main}, loaded from this module's test classes. */
  private Path jarRunning(Class<?> main) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, main.getName());
    Path classes = Path.of(main.getProtectionDomain().getCodeSource().getLocation().getPath());
    manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classes.toUri().toString());
    Path jar = dir.resolve(main.getSimpleName() + ".jar");
    try (OutputStream out = Files.newOutputStream(jar)) {
      new JarOutputStream(out, manifest).close(); // the manifest is the whole jar
    }
    return jar;
  }

  private static ServerOptions running(Path jar) {
    ServerOptions options = new ServerOptions();
    options.serverJar = jar;
    return options;
  }

  @Test
  void knowsConnectionLimits_whenTheJarsServeHelpNamesTheFlag() throws IOException {
    assertThat(running(jarRunning(ServeWithLimits.class)).knowsConnectionLimits()).isTrue();
    assertThat(running(jarRunning(ServeWithoutLimits.class)).knowsConnectionLimits()).isFalse();
  }
}
