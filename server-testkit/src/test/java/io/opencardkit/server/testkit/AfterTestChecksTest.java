package io.opencardkit.server.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import com.lark.oapi.Client;
import com.lark.oapi.service.cardkit.v1.model.CreateCardReq;
import com.lark.oapi.service.cardkit.v1.model.CreateCardReqBody;
import com.lark.oapi.service.im.v1.model.CreateMessageReq;
import com.lark.oapi.service.im.v1.model.CreateMessageReqBody;
import com.lark.oapi.service.im.v1.model.CreateMessageResp;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;
import org.slf4j.LoggerFactory;

/**
 * The kit's checks catch what a test did not look at: the inner classes are tests run here through
 * the JUnit engine (Surefire does not run nested classes by itself), and this test looks at how
 * they ended.
 */
final class AfterTestChecksTest {
  private static final String CARD =
      "{\"schema\":\"2.0\",\"body\":{\"elements\":[{\"tag\":\"markdown\",\"content\":\"hi\"}]}}";

  @Test
  void aServerThatLogsAnError_failsTheTest_andPrintsItsLog() {
    Throwable failure = onlyFailure(run(LogsAnError.class));

    assertThat(failure)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(
            "unexpected ERROR from io.opencardkit.server.OpenCardKitServer: the disk is on fire")
        .hasMessageContaining("The test's log:");
  }

  @Test
  void aWarningOfTheServerItself_failsTheTest() {
    Throwable failure = onlyFailure(run(ListenerThrows.class));

    assertThat(failure)
        .hasMessageContaining(
            "unexpected WARN from io.opencardkit.server.cards.CardFeed: card event listener failed");
  }

  @Test
  void aDeclaredWarning_passes_andAnUndeclaredOneInTheSameClassStillFails() {
    Events tests = run(DeclaresItsWarning.class);

    tests.assertStatistics(s -> s.started(3).succeeded(2).failed(1));
    assertThat(onlyFailure(tests))
        .hasMessageContaining("unexpected WARN from io.opencardkit.server.cards.CardFeed");
  }

  @Test
  void aRegisteredCheckWithProblems_failsTheTest() {
    assertThat(onlyFailure(run(PageThrew.class)))
        .hasMessageContaining("page errors: TypeError: x is undefined");
  }

  @Test
  void aTestThatPasses_getsTheServerTheSdkAndTheClock() {
    run(InjectsEverything.class).assertStatistics(s -> s.started(2).succeeded(2));
  }

  private static Events run(Class<?> testClass) {
    return EngineTestKit.engine("junit-jupiter")
        .selectors(selectClass(testClass))
        .execute()
        .testEvents();
  }

  private static Throwable onlyFailure(Events tests) {
    List<TestExecutionResult> failed =
        tests.failed().stream().map(e -> e.getRequiredPayload(TestExecutionResult.class)).toList();
    assertThat(failed).hasSize(1);
    return failed.get(0).getThrowable().orElseThrow();
  }

  /** Makes the server's card feed log a WARN: a listener of committed card events throws. */
  static void breakAListener(TestServer server, Client sdk) throws Exception {
    server
        .server()
        .runtime()
        .addListener(
            events -> {
              throw new IllegalStateException("listener broke");
            });
    assertThat(
            sdk.cardkit()
                .v1()
                .card()
                .create(
                    CreateCardReq.newBuilder()
                        .createCardReqBody(
                            CreateCardReqBody.newBuilder().type("card_json").data(CARD).build())
                        .build())
                .getCode())
        .isZero();
    Await.until(
        Duration.ofSeconds(10),
        () ->
            AfterTestChecks.log().stream()
                .anyMatch(e -> e.message().startsWith("card event listener failed")));
  }

  @OpenCardKitTest
  static final class LogsAnError {
    @Test
    void logsAnError(TestServer server) {
      // What a server bug looks like in the log; a test cannot make the real server fail on
      // purpose.
      LoggerFactory.getLogger("io.opencardkit.server.OpenCardKitServer")
          .error("the disk is on fire");
    }
  }

  @OpenCardKitTest
  static final class ListenerThrows {
    @Test
    void listenerThrows(TestServer server, Client sdk) throws Exception {
      breakAListener(server, sdk);
    }
  }

  @OpenCardKitTest(lifecycle = OpenCardKitTest.Lifecycle.PER_CLASS)
  static final class DeclaresItsWarning {
    @Test
    @ExpectedLog(
        level = ExpectedLog.Level.WARN,
        logger = "io.opencardkit.server.cards",
        message = "card event listener failed")
    void declared(TestServer server, Client sdk) throws Exception {
      breakAListener(server, sdk);
    }

    @Test
    void declaredAtRunTime(TestServer server, Client sdk) throws Exception {
      server.expectLog(
          ExpectedLog.Level.WARN, "io.opencardkit.server.cards.CardFeed", "listener broke");
      breakAListener(server, sdk);
    }

    @Test
    void undeclared(TestServer server, Client sdk) throws Exception {
      breakAListener(server, sdk);
    }
  }

  @OpenCardKitTest
  static final class PageThrew {
    @Test
    void pageThrew() {
      AfterTestChecks.register("page errors", () -> List.of("TypeError: x is undefined"));
    }
  }

  @OpenCardKitTest(streamingTimeout = "PT1M")
  static final class InjectsEverything {
    @Injected TestServer server;

    @Test
    void theSdkTalksToTheServer(Client sdk, java.net.URI baseUrl, TestSeed seed) throws Exception {
      assertThat(baseUrl.toString()).isEqualTo(server.baseUrl());
      assertThat(seed).isSameAs(server.seed);
      assertThat(
              sdk.cardkit()
                  .v1()
                  .card()
                  .create(
                      CreateCardReq.newBuilder()
                          .createCardReqBody(
                              CreateCardReqBody.newBuilder().type("card_json").data(CARD).build())
                          .build())
                  .getCode())
          .isZero();
    }

    @Test
    void theClockIsTheServers(MutableClock clock, Client sdk) throws Exception {
      clock.advance(Duration.ofDays(3));
      CreateMessageResp sent =
          sdk.im()
              .v1()
              .message()
              .create(
                  CreateMessageReq.newBuilder()
                      .receiveIdType("chat_id")
                      .createMessageReqBody(
                          CreateMessageReqBody.newBuilder()
                              .receiveId(server.seed.chatId)
                              .msgType("text")
                              .content("{\"text\":\"hi\"}")
                              .build())
                      .build());

      assertThat(sent.getData().getCreateTime()).isEqualTo(String.valueOf(clock.millis()));
    }
  }
}
