package io.opencardkit.bench.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.opencardkit.bench.ProcessCpu.ThreadTicks;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {
  @Test
  void groupsThreadsByTheirKernelNames() {
    assertThat(ThreadCpu.groupOf("vert.x-eventloo")).isEqualTo(ThreadCpu.EVENT_LOOPS);
    assertThat(ThreadCpu.groupOf("sqlite-group-co")).isEqualTo(ThreadCpu.WRITER);
    assertThat(ThreadCpu.groupOf("postgres-group-")).isEqualTo(ThreadCpu.WRITER);
    assertThat(ThreadCpu.groupOf("okc-card-feed")).isEqualTo(ThreadCpu.CARD_FEED);
    assertThat(ThreadCpu.groupOf("okc-replicate")).isEqualTo(ThreadCpu.REPLICATE);
    assertThat(ThreadCpu.groupOf("opencardkit-bus")).isEqualTo(ThreadCpu.LISTENER);
    assertThat(ThreadCpu.groupOf("okc-blocking-1")).isEqualTo(ThreadCpu.BLOCKING);
    assertThat(ThreadCpu.groupOf("vert.x-worker-t")).isEqualTo(ThreadCpu.BLOCKING);
    assertThat(ThreadCpu.groupOf("GC Thread#0")).isEqualTo(ThreadCpu.GC);
    assertThat(ThreadCpu.groupOf("G1 Conc#0")).isEqualTo(ThreadCpu.GC);
    assertThat(ThreadCpu.groupOf("VM Thread")).isEqualTo(ThreadCpu.GC);
    assertThat(ThreadCpu.groupOf("C2 CompilerThre")).isEqualTo(ThreadCpu.JIT);
    assertThat(ThreadCpu.groupOf("C1 CompilerThre")).isEqualTo(ThreadCpu.JIT);
    assertThat(ThreadCpu.groupOf("vertx-blocked-t")).isEqualTo(ThreadCpu.OTHER);
    assertThat(ThreadCpu.groupOf("java")).isEqualTo(ThreadCpu.OTHER);
  }

  @Test
  void aWindowsCoresByGroupWithTheBusiestLoopAndTheLoopsThatWorked() {
    ThreadCpu.Reading a =
        ThreadCpu.Reading.of(
            1_000,
            List.of(
                new ThreadTicks(11, "vert.x-eventloo", 100),
                new ThreadTicks(12, "vert.x-eventloo", 100),
                new ThreadTicks(13, "vert.x-eventloo", 100),
                new ThreadTicks(20, "sqlite-group-co", 50),
                new ThreadTicks(30, "GC Thread#0", 10)));
    ThreadCpu.Reading b =
        ThreadCpu.Reading.of(
            1_400,
            List.of(
                new ThreadTicks(11, "vert.x-eventloo", 250),
                new ThreadTicks(12, "vert.x-eventloo", 160),
                new ThreadTicks(13, "vert.x-eventloo", 100),
                new ThreadTicks(20, "sqlite-group-co", 90),
                new ThreadTicks(30, "GC Thread#0", 20),
                new ThreadTicks(
                    31,
                    "C2 CompilerThre",
                    30))); // a thread that started during the window counts from 0

    ThreadCpu.Usage u = ThreadCpu.between(a, b, 2.0); // 200 ticks per core

    assertThat(u.processCores()).isCloseTo(2.0, offset(1e-9));
    assertThat(u.cores(ThreadCpu.EVENT_LOOPS)).isCloseTo(1.05, offset(1e-9)); // (150 + 60) / 200
    assertThat(u.cores(ThreadCpu.BUSIEST_LOOP)).isCloseTo(0.75, offset(1e-9));
    assertThat(u.busyLoops()).isEqualTo(2); // the third loop did nothing
    assertThat(u.cores(ThreadCpu.WRITER)).isCloseTo(0.2, offset(1e-9));
    assertThat(u.cores(ThreadCpu.GC)).isCloseTo(0.05, offset(1e-9));
    assertThat(u.cores(ThreadCpu.JIT)).isCloseTo(0.15, offset(1e-9));
    assertThat(u.coresByGroup()).containsOnlyKeys(ThreadCpu.GROUPS);
  }
}
