package io.opencardkit.bench.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CPU lists, placements, the references' event loops and the command line the launcher builds. */
class LaunchOptionsTest {
  @Test
  void countsTheCpusOfAList() {
    assertThat(Affinity.count("0")).isEqualTo(1);
    assertThat(Affinity.count("0,1")).isEqualTo(2);
    assertThat(Affinity.count("0-3")).isEqualTo(4);
    assertThat(Affinity.count("0-1,3")).isEqualTo(3);
    assertThatThrownBy(() -> Affinity.count("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Affinity.count("a")).isInstanceOf(NumberFormatException.class);
    assertThatThrownBy(() -> Affinity.count("3-1")).isInstanceOf(IllegalArgumentException.class);
    assertThat(Affinity.prefix("0,1")).containsExactly("taskset", "-c", "0,1");
    assertThat(Affinity.prefix(null)).isEmpty();
  }

  @Test
  void theReferencesGetTheServersEventLoops() {
    assertThat(
            ServerOptions.referenceEventLoops(
                List.of("--event-loops", "3", "--ws-compression", "shared"), "0"))
        .isEqualTo(3);
    assertThat(ServerOptions.referenceEventLoops(List.of("--event-loops=4"), null)).isEqualTo(4);
    assertThat(ServerOptions.referenceEventLoops(List.of("--ws-compression", "off"), "0"))
        .isEqualTo(1);
    assertThat(ServerOptions.referenceEventLoops(List.of(), "0,1")).isEqualTo(2);
  }

  @Test
  void splitsFlagsOnWhitespace() {
    assertThat(ServerOptions.words("  --event-loops 2\t--ws-compression  shared "))
        .containsExactly("--event-loops", "2", "--ws-compression", "shared");
    assertThat(ServerOptions.words("")).isEmpty();
  }

  @Test
  void onePlacementUnlessCpusAreRepeated() {
    assertThat(Placement.placements(List.of(), List.of()))
        .containsExactly(new Placement.Where(null, null));
    assertThat(Placement.placements(List.of(), List.of("1")))
        .containsExactly(new Placement.Where(null, "1"));
    assertThat(Placement.placements(List.of("0", "0,1"), List.of("1", "all")))
        .containsExactly(new Placement.Where("0", "1"), new Placement.Where("0,1", null));
    assertThat(Placement.placements(List.of("0", "0,1"), List.of("1")))
        .containsExactly(new Placement.Where("0", "1"), new Placement.Where("0,1", "1"));
    assertThatThrownBy(() -> Placement.placements(List.of("0", "1", "0,1"), List.of("1", "0")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Placement.placements(List.of("x"), List.of()))
        .isInstanceOf(NumberFormatException.class);
  }

  @Test
  void aChildIsPinnedToItsCpusOrToAllWhenOnlyTheLoadGeneratorIs() {
    assertThat(new Placement.Where("0", "1").childCpus()).isEqualTo("0");
    assertThat(new Placement.Where(null, "1").childCpus())
        .isEqualTo(Affinity.online()); // else it would inherit our CPU
    assertThat(new Placement.Where(null, null).childCpus()).isNull();
    assertThat(new Placement.Where("0,1", null).serverCpuCount()).isEqualTo(2);
  }

  @Test
  void theCommandLinePinsLogsGcAndRunsTheProgram() {
    List<String> command =
        ServerProcess.command(
            "0",
            List.of("-Xmx1g"),
            Path.of("/tmp/gc.log"),
            ServerProcess.Program.jar(Path.of("/jars/okc.jar"), List.of("serve", "--port", "0")));

    assertThat(command.subList(0, 3)).containsExactly("taskset", "-c", "0");
    assertThat(command.get(3)).endsWith("/bin/java");
    assertThat(command.subList(4, command.size()))
        .containsExactly(
            "-Xmx1g",
            "-Xlog:gc,gc+init:file=/tmp/gc.log:uptime,level,tags",
            "-jar",
            "/jars/okc.jar",
            "serve",
            "--port",
            "0");
    assertThat(
            ServerProcess.command(
                null,
                List.of(),
                null,
                ServerProcess.Program.mainClass(LaunchOptionsTest.class, List.of("x"))))
        .endsWith(
            "-cp", System.getProperty("java.class.path"), LaunchOptionsTest.class.getName(), "x")
        .doesNotContain("taskset");
  }
}
