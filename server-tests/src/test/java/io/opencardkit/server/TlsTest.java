package io.opencardkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.server.testkit.TestSeed;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class TlsTest {
  @TempDir Path dir;

  @Test
  void serve_withCertAndKey_answersHttpsOnTheSamePort() {
    SelfSignedCertificate certificate = SelfSignedCertificate.create("127.0.0.1");
    ServerConfig config =
        ServerConfig.defaults().withPort(0).withDataDir(dir.resolve("data")).withSeed(new TestSeed().writeTo(dir))
            .withTls(Path.of(certificate.certificatePath()), Path.of(certificate.privateKeyPath()));
    Vertx vertx = Vertx.vertx();
    try (OpenCardKitServer server = OpenCardKitServer.start(config, new PrintStream(OutputStream.nullOutputStream()))) {
      assertThat(server.baseUrl()).startsWith("https://");
      HttpClient client = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false));
      String body =
          client.request(HttpMethod.GET, server.port(), "127.0.0.1", "/healthz")
              .compose(request -> request.send())
              .compose(response -> response.body())
              .await()
              .toString();
      assertThat(body).contains("\"status\":\"ok\"");
    } finally {
      vertx.close().await();
      certificate.delete();
    }
  }
}
