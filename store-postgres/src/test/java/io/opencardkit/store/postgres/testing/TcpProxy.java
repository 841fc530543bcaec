package io.opencardkit.store.postgres.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP proxy that a test can cut, to play an outage without stopping a service others use
 * (the local PostgreSQL): {@link #cut()} closes every connection and refuses new ones until {@link
 * #restore()}. In front of several servers ({@link #failover}) it is a load balancer of the
 * simplest kind, nginx's {@code backup} servers: each new connection goes to the first server that
 * accepts it, in the order given, so when one dies its connections drop and new ones reach the
 * next.
 */
public final class TcpProxy implements AutoCloseable {
  private final ServerSocket server;
  private final List<Integer> targetPorts;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;

  private TcpProxy(ServerSocket server, List<Integer> targetPorts) {
    this.server = server;
    this.targetPorts = List.copyOf(targetPorts);
  }

  /** A proxy in front of the server on loopback port {@code targetPort}. */
  public static TcpProxy start(int targetPort) throws IOException {
    return failover(List.of(targetPort));
  }

  /**
   * A proxy in front of several servers: each connection goes to the first of them that accepts it.
   */
  public static TcpProxy failover(List<Integer> targetPorts) throws IOException {
    TcpProxy proxy =
        new TcpProxy(new ServerSocket(0, 100, InetAddress.getLoopbackAddress()), targetPorts);
    daemon(proxy::acceptLoop, "proxy-accept");
    return proxy;
  }

  /** {@code http://127.0.0.1:<port>}, for a proxy in front of HTTP servers. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  public int port() {
    return server.getLocalPort();
  }

  /**
   * Drops every proxied connection; new ones are accepted and closed at once, as by a server that
   * is down.
   */
  public void cut() {
    cut = true;
    sockets.forEach(TcpProxy::closeQuietly);
  }

  public void restore() {
    cut = false;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // the server socket was closed: the test ended
      }
      if (cut) {
        closeQuietly(client);
        continue;
      }
      daemon(() -> connect(client), "proxy-connect");
    }
  }

  private void connect(Socket client) {
    for (int port : targetPorts) {
      Socket upstream = new Socket();
      try {
        upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      } catch (IOException e) {
        closeQuietly(upstream);
        continue; // that server is down: try the next
      }
      sockets.add(client);
      sockets.add(upstream);
      daemon(() -> pump(client, upstream), "proxy-up");
      daemon(() -> pump(upstream, client), "proxy-down");
      return;
    }
    closeQuietly(client);
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side closed or was cut: close both below
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      sockets.remove(from);
      sockets.remove(to);
    }
  }

  private static void daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    sockets.forEach(TcpProxy::closeQuietly);
  }
}
