package io.opencardkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencardkit.server.ServerConfig.WebAuth;
import io.opencardkit.server.testkit.TestCluster;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class SignInPolicyTest {
  private static final WebAccess.Oidc IDP =
      new WebAccess.Oidc(
          "https://idp.example.com/realms/team", "okc", "s3cret-client", null, false, null);

  @TempDir Path dir;

  private static ServerConfig on(String host) {
    return new ServerConfig(
        host, 0, Path.of("data"), null, Duration.ofMinutes(10), null, null, Clock.systemUTC());
  }

  @Test
  void developmentSignIn_onLoopbackOnly_starts() {
    for (String host : List.of("127.0.0.1", "127.0.0.2", "localhost", "::1")) {
      assertThat(SignInPolicy.refusal(on(host), false)).as(host).isEmpty();
    }
  }

  @Test
  void developmentSignIn_onAnyOtherAddress_isRefusedNamingTheFlags() {
    // 0.0.0.0 and :: listen on every interface; 192.0.2.1 (TEST-NET-1) stands for any address of
    // the machine.
    for (String host : List.of("0.0.0.0", "::", "192.0.2.1")) {
      assertThat(SignInPolicy.refusal(on(host), false))
          .as(host)
          .hasValueSatisfying(
              message ->
                  assertThat(message)
                      .contains(
                          "--host " + host,
                          "not a loopback address",
                          "--web-auth oidc",
                          "--web-auth token",
                          "--insecure-dev-login"));
    }
  }

  @Test
  void developmentSignIn_onANodeOfACluster_isRefusedUnlessOverridden() {
    ServerConfig clustered =
        on("127.0.0.1").withCluster("postgresql://u@127.0.0.1:5432/db", "redis://127.0.0.1:6379");
    assertThat(SignInPolicy.refusal(clustered, false))
        .hasValueSatisfying(
            m -> assertThat(m).contains("cluster (--store/--bus)", "--web-auth oidc"));
    assertThat(SignInPolicy.refusal(on("127.0.0.1"), true))
        .isPresent(); // a store and bus handed in count alike
    assertThat(SignInPolicy.refusal(clustered.withInsecureDevLogin(), false)).isEmpty();
    assertThat(SignInPolicy.insecureDevLogin(clustered.withInsecureDevLogin())).isTrue();
    assertThat(SignInPolicy.refusal(on("0.0.0.0").withInsecureDevLogin(), false)).isEmpty();
  }

  @Test
  void productionSignIn_startsAnywhere_andItsSettingsMustAgreeWithTheMode() {
    assertThat(SignInPolicy.refusal(on("0.0.0.0").withWebAuth(WebAuth.TOKEN), false)).isEmpty();
    ServerConfig oidc =
        on("0.0.0.0").withWebAuth(WebAuth.OIDC).withAccess(WebAccess.defaults().withOidc(IDP));
    assertThat(SignInPolicy.refusal(oidc, true)).isEmpty();
    assertThat(SignInPolicy.refusal(on("127.0.0.1").withWebAuth(WebAuth.OIDC), false))
        .hasValueSatisfying(m -> assertThat(m).contains("--web-auth oidc needs --oidc-issuer"));
    assertThat(
            SignInPolicy.refusal(
                on("127.0.0.1").withAccess(WebAccess.defaults().withOidc(IDP)), false))
        .hasValueSatisfying(m -> assertThat(m).contains("add --web-auth oidc"));
    assertThat(
            SignInPolicy.refusal(
                on("127.0.0.1").withWebAuth(WebAuth.TOKEN).withInsecureDevLogin(), false))
        .hasValueSatisfying(
            m -> assertThat(m).contains("--insecure-dev-login goes with --web-auth development"));
  }

  @Test
  void theClientSecret_isNeverInTheConfigurationsText() {
    ServerConfig oidc =
        on("127.0.0.1").withWebAuth(WebAuth.OIDC).withAccess(WebAccess.defaults().withOidc(IDP));
    assertThat(oidc.toString())
        .contains("https://idp.example.com/realms/team")
        .doesNotContain("s3cret-client");
  }

  @Test
  void nodesOfAnInJvmCluster_refuseDevelopmentSignInWithoutTheOverride() {
    assertThatThrownBy(
            () ->
                TestCluster.start(
                    2, Clock.systemUTC(), Duration.ofMinutes(10), UnaryOperator.identity()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--insecure-dev-login");
  }

  @Test
  void serve_onAllInterfacesInDevelopmentMode_exitsNonZeroWithTheMessage() throws Exception {
    // The real launcher path: a child JVM running Main, as bin/opencardkit does. It refuses before
    // binding anything.
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "serve",
                "--host",
                "0.0.0.0",
                "--port",
                "0",
                "--data",
                dir.resolve("data").toString()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    process.getInputStream().transferTo(output);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(output.toString(StandardCharsets.UTF_8))
        .contains(
            "opencardkit: refusing development sign-in",
            "--host 0.0.0.0",
            "--web-auth oidc",
            "--insecure-dev-login")
        .doesNotContain("listening on");
  }
}
