package io.opencardkit.bench.process;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The ingest reference: the least an HTTP service built on Vert.x 5 can do per request, in a JVM of
 * its own. One HttpServer per event loop on a shared port (as many loops as the server under test
 * gets), each request's body read in full, then a small fixed JSON answer, whatever the method and
 * path. The benchmark's bots send it exactly what they send the server (create, send, full-text
 * PUTs, close), so "durable updates/s ÷ this handler's requests/s" compares the same client work
 * against the least possible server work on the same cores. Ends when its standard input closes.
 */
@Command(
    name = "BareHttpServer",
    mixinStandardHelpOptions = true,
    description = "A bare Vert.x HTTP handler: reads the body, answers a fixed JSON.")
public final class BareHttpServer implements Callable<Integer> {
  /** What every request gets, as a Feishu API success looks. */
  static final String ANSWER = "{\"code\":0,\"msg\":\"success\",\"data\":{}}";

  @Option(
      names = "--event-loops",
      defaultValue = "1",
      description = "Event loops, one HttpServer each (default: ${DEFAULT-VALUE}).")
  int eventLoops;

  @Option(names = "--host", defaultValue = "127.0.0.1")
  String host;

  public static void main(String[] args) {
    System.exit(new CommandLine(new BareHttpServer()).execute(args));
  }

  /**
   * One HttpServer on its verticle's event loop; every instance listens on the same shared port.
   */
  static final class Handler extends AbstractVerticle {
    private final String host;

    Handler(String host) {
      this.host = host;
    }

    @Override
    public void start(Promise<Void> started) {
      // Port -1: a random port shared by every instance that asks for -1 (Vert.x), so connections
      // spread over the loops.
      HttpServer server =
          vertx.createHttpServer(
              new HttpServerOptions().setHost(host).setPort(-1).setCompressionSupported(false));
      server
          .requestHandler(
              request ->
                  request
                      .body()
                      .onComplete(
                          body ->
                              request
                                  .response()
                                  .putHeader("Content-Type", "application/json; charset=utf-8")
                                  .end(ANSWER)))
          .listen()
          .onSuccess(
              s -> {
                port = s.actualPort();
                started.complete();
              })
          .onFailure(started::fail);
    }
  }

  private static volatile int port;

  @Override
  public Integer call() throws IOException {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops));
    vertx
        .deployVerticle(() -> new Handler(host), new DeploymentOptions().setInstances(eventLoops))
        .await();
    System.out.println(
        "Bare Vert.x HTTP handler listening on http://"
            + host
            + ":"
            + port
            + " ("
            + eventLoops
            + " event loops)");
    System.out.flush();
    while (System.in.read() >= 0) {
      // runs until the benchmark closes our standard input
    }
    vertx.close().await();
    return 0;
  }
}
