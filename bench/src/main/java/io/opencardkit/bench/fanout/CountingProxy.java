package io.opencardkit.bench.fanout;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay in front of the server for the probe viewer, counting the bytes the server sends down
 * the wire (WebSocket framing and, when negotiated, permessage-deflate included): what a browser's
 * network link carries.
 */
final class CountingProxy implements AutoCloseable {
  private final NetServer server;
  private final NetClient client;
  private final AtomicLong downstream = new AtomicLong();

  CountingProxy(Vertx vertx, String host, int targetPort) {
    client = vertx.createNetClient();
    server =
        vertx
            .createNetServer()
            .connectHandler(
                in -> {
                  in.pause();
                  client
                      .connect(targetPort, host)
                      .onComplete(
                          ar -> {
                            if (ar.failed()) {
                              in.close();
                              return;
                            }
                            NetSocket out = ar.result();
                            in.handler(out::write);
                            out.handler(
                                buffer -> {
                                  downstream.addAndGet(buffer.length());
                                  in.write(buffer);
                                });
                            in.closeHandler(v -> out.close());
                            out.closeHandler(v -> in.close());
                            in.resume();
                          });
                });
    server.listen(0, host).await();
  }

  int port() {
    return server.actualPort();
  }

  /** Bytes relayed from the server to the client so far. */
  long downstreamBytes() {
    return downstream.get();
  }

  @Override
  public void close() {
    server.close().await();
    client.close().await();
  }
}
