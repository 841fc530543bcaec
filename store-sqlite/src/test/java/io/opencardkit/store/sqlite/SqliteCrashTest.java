package io.opencardkit.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.store.testkit.Events;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Acknowledged commits survive {@code kill -9} of the process that made them. */
final class SqliteCrashTest {
  private static final int THREADS = 4;
  private static final int ACKS_BEFORE_KILL = 400;

  @TempDir Path dir;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void commit_acknowledgedThenProcessKilled_isStoredAfterReopen() throws Exception {
    Path file = dir.resolve("crash.db");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                CrashWriter.class.getName(),
                file.toString(),
                String.valueOf(THREADS))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    Map<String, Long> acked = new HashMap<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      int lines = 0;
      String line;
      while (lines < ACKS_BEFORE_KILL && (line = out.readLine()) != null) {
        String[] parts = line.split(" ");
        acked.merge(parts[0], Long.parseLong(parts[1]), Math::max);
        lines++;
      }
      assertThat(lines)
          .as("acknowledged commits before the child ended")
          .isEqualTo(ACKS_BEFORE_KILL);
      // SIGKILL: no shutdown hook, no close(), commits in flight are cut off
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }

    try (SqliteCardStore store = SqliteCardStore.open(file)) {
      for (Map.Entry<String, Long> card : acked.entrySet()) {
        // later versions may be there too (committed, not yet printed); every acknowledged one must
        // be
        List<?> stored = store.events(card.getKey(), 0, card.getValue().intValue());
        assertThat(stored).isEqualTo(Events.range(card.getKey(), 1, card.getValue()));
      }
    }
  }
}
