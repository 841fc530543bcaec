package io.opencardkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.server.testkit.TestSeed;
import io.opencardkit.server.testkit.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.SelfSignedCertificate;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

final class TlsTest {
  @Test
  void serve_withCertAndKey_answersHttpsOnTheSamePort() {
    SelfSignedCertificate certificate = SelfSignedCertificate.create("127.0.0.1");
    Vertx vertx = Vertx.vertx();
    try (TestServer server =
        TestServer.start(
            new TestSeed(),
            Clock.systemUTC(),
            Duration.ofMinutes(10),
            config ->
                config.withTls(
                    Path.of(certificate.certificatePath()),
                    Path.of(certificate.privateKeyPath())))) {
      assertThat(server.baseUrl()).startsWith("https://");
      HttpClient client =
          vertx.createHttpClient(
              new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false));
      String body =
          client
              .request(HttpMethod.GET, server.server().port(), "127.0.0.1", "/healthz")
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
