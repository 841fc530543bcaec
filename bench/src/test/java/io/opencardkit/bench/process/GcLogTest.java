package io.opencardkit.bench.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GcLogTest {
  private static final String G1 =
      String.join(
          "\n",
          "[0.004s][info][gc] Using G1",
          "[0.026s][info][gc,init] Version: 17.0.15+6-Debian-1deb12u1 (release)",
          "[0.026s][info][gc,init] CPUs: 2 total, 1 available",
          "[0.026s][info][gc,init] Heap Max Capacity: 6028M",
          "[1.406s][info][gc     ] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 27M->10M(388M) 7.935ms",
          "[2.100s][info][gc     ] GC(1) Pause Young (Concurrent Start) (G1 Humongous Allocation) 30M->12M(388M) 3.065ms",
          "[2.200s][info][gc     ] GC(2) Concurrent Mark Cycle",
          "[2.300s][info][gc     ] GC(2) Pause Remark 40M->40M(388M) 1.000ms",
          "[2.310s][info][gc     ] GC(2) Pause Cleanup 40M->40M(388M) 0.100ms",
          "[2.320s][info][gc     ] GC(2) Concurrent Mark Cycle 120.500ms",
          "[6.581s][info][gc     ] GC(3) Pause Full (Diagnostic Command) 30M->12M(68M) 57.502ms",
          "");

  @Test
  void countsStopTheWorldPausesAndSetsAsideTheOnesAToolAskedFor() {
    GcLog.Pauses p = GcLog.pauses(G1);

    assertThat(p.count()).isEqualTo(4);
    assertThat(p.totalMillis())
        .isCloseTo(7.935 + 3.065 + 1.0 + 0.1, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(p.maxMillis()).isEqualTo(7.935);
    assertThat(p.requested()).isEqualTo(1);
    assertThat(p.requestedMillis()).isEqualTo(57.502);
  }

  @Test
  void readsTheSerialCollectorsPausesToo() {
    GcLog.Pauses p =
        GcLog.pauses(
            "[0.010s][info][gc] Using Serial\n[3.2s][info][gc] GC(5) Pause Young (Allocation Failure) 80M->9M(290M) 12.25ms\n");

    assertThat(p.count()).isEqualTo(1);
    assertThat(p.maxMillis()).isEqualTo(12.25);
  }

  @Test
  void saysHowTheJvmSetItselfUp() {
    assertThat(GcLog.jvmSummary(G1)).isEqualTo("G1, 1 of 2 CPUs, max heap 6028M");
    assertThat(GcLog.jvmSummary("")).isEmpty();
  }

  @Test
  void aWindowHoldsThePausesLoggedBetweenItsTwoOffsets(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("gc.log");
    GcLog log = new GcLog(file);
    assertThat(log.offset()).isZero(); // no file yet
    Files.writeString(
        file,
        "[1.0s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 27M->10M(388M) 5.000ms\n");
    long from = log.offset();
    Files.writeString(
        file,
        "[2.0s][info][gc] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 27M->10M(388M) 2.000ms\n[3.0s][info][gc] GC(2) Pa",
        StandardOpenOption.APPEND);
    long to = log.offset(); // the half-written line belongs to the next window

    GcLog.Pauses window = log.between(from, to);
    Files.writeString(
        file,
        "use Young (Normal) (G1 Evacuation Pause) 27M->10M(388M) 3.000ms\n",
        StandardOpenOption.APPEND);
    GcLog.Pauses next = log.between(to, log.offset());

    assertThat(window.count()).isEqualTo(1);
    assertThat(window.totalMillis()).isEqualTo(2.0);
    assertThat(next.count()).isEqualTo(1);
    assertThat(next.totalMillis()).isEqualTo(3.0);
  }

  @Test
  void theJvmOptionWritesWhatThisClassReads() {
    assertThat(GcLog.jvmOption(Path.of("/tmp/x/gc.log")))
        .isEqualTo("-Xlog:gc,gc+init:file=/tmp/x/gc.log:uptime,level,tags");
  }
}
