package io.opencardkit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessCpuTest {
  @Test
  void readsUserAndSystemTicksAfterANameWithSpacesAndParentheses() {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
    // …
    String stat =
        "4242 (java (weird) x) S 1 4242 4242 0 -1 4194560 93507 0 12 0 1234 567 0 0 20 0 45 0 1234 5 6\n";

    assertThat(ProcessCpu.ticksOfStat(stat)).isEqualTo(1234 + 567);
  }

  @Test
  void readsAKilobyteFieldOfTheStatusFile() {
    String status =
        "Name:\tjava\nVmPeak:\t 7000000 kB\nVmHWM:\t  190000 kB\nVmRSS:\t  185288 kB\nThreads:\t41\n";

    assertThat(ProcessCpu.statusKib(status, "VmRSS")).isEqualTo(185_288);
    assertThat(ProcessCpu.statusKib(status, "VmHWM")).isEqualTo(190_000);
    assertThat(ProcessCpu.statusKib(status, "VmSwap")).isEqualTo(-1);
  }
}
