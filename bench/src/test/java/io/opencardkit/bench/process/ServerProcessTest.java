package io.opencardkit.bench.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher on a real child JVM: the bare HTTP handler, started as the benchmarks start it. */
class ServerProcessTest {
  @Test
  void startsAProgramWaitsForItAndReadsItFromOutside(@TempDir Path dir) throws Exception {
    Path gcLog = dir.resolve("gc.log");
    ServerProcess bare =
        ServerProcess.start(
            "bare-handler",
            ServerProcess.Program.mainClass(BareHttpServer.class, List.of("--event-loops", "2")),
            null,
            List.of("-Xmx64m"),
            gcLog);
    try {
      HttpResponse<String> answer =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://"
                                  + bare.host()
                                  + ":"
                                  + bare.port()
                                  + "/open-apis/cardkit/v1/cards/x/elements/md/content"))
                      .PUT(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"content\":\"hello\",\"sequence\":1}"))
                      .timeout(Duration.ofSeconds(30))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      ServerProcess.Reading b = bare.read();

      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body()).isEqualTo(BareHttpServer.ANSWER);
      assertThat(b.rssKib()).isPositive();
      assertThat(b.cpu().processTicks()).isPositive();
      assertThat(b.cpu().threads().values())
          .extracting(t -> ThreadCpu.groupOf(t.name()))
          .contains(ThreadCpu.EVENT_LOOPS, ThreadCpu.GC);
      assertThat(bare.jvmSummary()).contains("max heap 64M");
      assertThat(bare.commandLine())
          .contains("-Xmx64m", GcLog.jvmOption(gcLog), BareHttpServer.class.getName());
    } finally {
      bare.close();
    }
    assertThat(bare.isAlive()).isFalse();
  }
}
