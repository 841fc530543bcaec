package io.opencardkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Core is pure: no I/O, no threads, no clock of its own. The enforcer bans adapter libraries from
 * its dependencies; this test bans what the JDK itself offers (JDBC, sockets, files, threads, the
 * wall clock), which no dependency rule can see. (Regression: JDBC plumbing once moved into core;
 * it lives in {@code store-jdbc}.)
 */
final class CorePurityTest {
  private static final Pattern FORBIDDEN =
      Pattern.compile(
          "import java\\.sql\\.|import java\\.net\\.|import java\\.nio\\.file\\.|import java\\.io\\.File"
              + "|new Thread\\(|Executors\\.|System\\.currentTimeMillis|System\\.nanoTime|Instant\\.now\\(|Clock\\.system");

  @Test
  void mainSources_useNoIoThreadsOrWallClock() throws IOException {
    List<String> offences = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path file :
          (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
          if (FORBIDDEN.matcher(lines.get(i)).find()) {
            offences.add(file + ":" + (i + 1) + ": " + lines.get(i).trim());
          }
        }
      }
    }
    assertThat(offences).isEmpty();
  }
}
