package io.opencardkit.server.http;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The node's HTTP servers: one per event loop, all listening on one port. Vert.x hands each
 * accepted connection to one of them in turn, so requests, WebSockets and their compression run on
 * every loop.
 *
 * <p>Why a deployment: a server created from a thread that is not Vert.x's (the launcher's main
 * thread) lands on that thread's one sticky event loop, however many servers are created; each
 * instance of a deployment gets an event loop of its own.
 */
public final class HttpListeners {
  private final Vertx vertx;
  private final List<HttpServer> servers;
  private final List<String> deployments;

  private HttpListeners(Vertx vertx, List<HttpServer> servers, List<String> deployments) {
    this.vertx = vertx;
    this.servers = servers;
    this.deployments = deployments;
  }

  /**
   * Starts {@code count} servers on {@code options}' port and waits until all listen. Port 0 binds
   * one free port that all of them share (Vert.x shares a port among servers that ask for the same
   * negative port).
   *
   * @param connections called on each new connection's event loop before it reads anything, or
   *     {@code null}
   */
  public static HttpListeners listen(
      Vertx vertx,
      HttpServerOptions options,
      Handler<HttpServerRequest> requests,
      Handler<HttpConnection> connections,
      int count) {
    return listen(vertx, options, requests, null, connections, count);
  }

  /**
   * As {@link #listen(Vertx, HttpServerOptions, Handler, Handler, int)}, with a handler of requests
   * that do not decode as HTTP (see {@link HttpServer#invalidRequestHandler}), or {@code null} for
   * Vert.x's.
   */
  public static HttpListeners listen(
      Vertx vertx,
      HttpServerOptions options,
      Handler<HttpServerRequest> requests,
      Handler<HttpServerRequest> invalidRequests,
      Handler<HttpConnection> connections,
      int count) {
    List<HttpServer> servers = new CopyOnWriteArrayList<>();
    List<String> deployments = new CopyOnWriteArrayList<>();
    HttpListeners listeners = new HttpListeners(vertx, servers, deployments);
    HttpServerOptions shared = new HttpServerOptions(options);
    if (shared.getPort() == 0) {
      shared.setPort(-1);
    }
    try {
      deployments.add(
          deploy(vertx, shared, requests, invalidRequests, connections, servers, count));
    } catch (RuntimeException e) {
      listeners.close();
      throw e;
    }
    return listeners;
  }

  private static String deploy(
      Vertx vertx,
      HttpServerOptions options,
      Handler<HttpServerRequest> requests,
      Handler<HttpServerRequest> invalidRequests,
      Handler<HttpConnection> connections,
      List<HttpServer> servers,
      int instances) {
    return vertx
        .deployVerticle(
            () ->
                context -> {
                  HttpServer server = vertx.createHttpServer(options).requestHandler(requests);
                  if (connections != null) {
                    server.connectionHandler(connections);
                  }
                  if (invalidRequests != null) {
                    server.invalidRequestHandler(invalidRequests);
                  }
                  return server.listen().onSuccess(servers::add);
                },
            new DeploymentOptions().setInstances(instances))
        .await();
  }

  /** The port bound (useful with port 0). */
  public int port() {
    return servers.get(0).actualPort();
  }

  /** Servers listening: one per event loop. */
  public int count() {
    return servers.size();
  }

  /**
   * Stops accepting connections and starts Vert.x's graceful shutdown of the open ones (HTTP/1.1
   * connections close after their current exchange); returns at once. {@link #close()} ends
   * whatever is left.
   */
  public void stopAccepting(java.time.Duration grace) {
    for (HttpServer server : servers) {
      server.shutdown(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }
  }

  /** Stops accepting and closes every connection; waits for it. */
  public void close() {
    for (String id : deployments) {
      vertx.undeploy(id).await();
    }
    Future.all(servers.stream().map(HttpServer::close).toList()).await();
  }
}
