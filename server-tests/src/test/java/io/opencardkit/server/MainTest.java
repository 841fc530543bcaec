package io.opencardkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

final class MainTest {
  @TempDir Path dir;

  private record Run(int exitCode, String err) {}

  private Run serve(String... args) {
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      CommandLine cli = new CommandLine(new Main());
      cli.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
      String[] full = new String[args.length + 1];
      full[0] = "serve";
      System.arraycopy(args, 0, full, 1, args.length);
      return new Run(cli.execute(full), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(original);
    }
  }

  @Test
  void serve_malformedSeed_stopsWithLineAndField() throws Exception {
    Path seed =
        Files.writeString(dir.resolve("seed.yaml"), "apps:\n  - {app_id: cli_a1, name: Bot}\n");
    Run run =
        serve("--port", "0", "--data", dir.resolve("data").toString(), "--seed", seed.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("seed.yaml:2: apps[0].app_secret is required");
  }

  @Test
  void serve_badDuration_isRefusedBeforeStarting() {
    Run run =
        serve(
            "--port", "0", "--data", dir.resolve("data").toString(), "--streaming-timeout", "soon");
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.err()).contains("'soon' is not a duration");
  }

  @Test
  void serve_tlsCertWithoutKey_isRefused() {
    Run run =
        serve("--port", "0", "--data", dir.resolve("data").toString(), "--tls-cert", "cert.pem");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--tls-cert and --tls-key go together");
  }

  @Test
  void serve_developmentSignInWithAStore_isRefusedNamingTheFlags() {
    Run run =
        serve(
            "--port",
            "0",
            "--data",
            dir.resolve("data").toString(),
            "--store",
            "postgresql://nobody@127.0.0.1:1/none");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains(
            "opencardkit: refusing development sign-in",
            "--store/--bus",
            "--web-auth oidc",
            "--insecure-dev-login");
  }

  @Test
  void serve_oidcWithoutItsProvider_isRefused() {
    Run run =
        serve(
            "--port",
            "0",
            "--data",
            dir.resolve("data").toString(),
            "--web-auth",
            "oidc",
            "--oidc-issuer",
            "https://idp.example.com");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--web-auth oidc needs --oidc-client-id");
  }

  @Test
  void serve_unknownSignIn_namesTheModes() {
    Run run = serve("--port", "0", "--data", dir.resolve("data").toString(), "--web-auth", "saml");
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.err()).contains("'saml' is not development, token or oidc");
  }

  @Test
  void serve_templatesWithABrokenFile_stopsNamingTheFile() throws Exception {
    Path templates = Files.createDirectories(dir.resolve("templates"));
    Files.writeString(
        templates.resolve("AAqBroken001.json"), "{\"schema\":\"1.0\",\"elements\":[]}");

    Run run =
        serve(
            "--port",
            "0",
            "--data",
            dir.resolve("data").toString(),
            "--templates",
            templates.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("AAqBroken001.json", "schema must be \"2.0\"");
    assertThat(
            serve(
                    "--port",
                    "0",
                    "--data",
                    dir.resolve("data2").toString(),
                    "--templates",
                    dir.resolve("none").toString())
                .err())
        .contains("--templates", "not a directory");
  }

  @Test
  void enumFlags_takeTheLowerCaseNameWithDashes_andARefusalListsEveryChoice() {
    assertThat(Main.choice(ServerConfig.WsCompression.class, " Per-Socket "))
        .isEqualTo(ServerConfig.WsCompression.PER_SOCKET);
    assertThatThrownBy(() -> Main.choice(ServerConfig.WsCompression.class, "per_socket"))
        .hasMessage("'per_socket' is not shared, per-socket or off");
    assertThatThrownBy(() -> new Main.LogFormatConverter().convert("xml"))
        .hasMessage("'xml' is not text or json");
  }

  @Test
  void durationConverter_acceptsTheUsualUnits() {
    Main.DurationConverter converter = new Main.DurationConverter();
    assertThat(converter.convert("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(converter.convert("10m")).isEqualTo(Duration.ofMinutes(10));
    assertThat(converter.convert("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
  }
}
