package io.opencardkit.server.testkit;

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
 * A load balancer in front of several nodes, for tests: each new TCP connection goes to the first node that accepts
 * it, in the order given (nginx's {@code backup} servers), and is closed when either side closes. When a node dies,
 * its connections drop and new ones go to the next node: what browsers and bots see of a failover.
 */
public final class FailoverProxy implements AutoCloseable {
  private final ServerSocket server;
  private final List<Integer> backends;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

  private FailoverProxy(ServerSocket server, List<Integer> backends) {
    this.server = server;
    this.backends = List.copyOf(backends);
  }

  /** Listens on a free loopback port in front of the nodes on {@code backendPorts}. */
  public static FailoverProxy start(List<Integer> backendPorts) throws IOException {
    FailoverProxy proxy = new FailoverProxy(new ServerSocket(0, 100, InetAddress.getLoopbackAddress()), backendPorts);
    daemon(proxy::acceptLoop, "failover-accept");
    return proxy;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      daemon(() -> connect(client), "failover-connect");
    }
  }

  private void connect(Socket client) {
    for (int port : backends) {
      Socket backend = new Socket();
      try {
        backend.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      } catch (IOException e) {
        closeQuietly(backend);
        continue; // that node is down: try the next
      }
      sockets.add(client);
      sockets.add(backend);
      daemon(() -> pump(client, backend), "failover-up");
      daemon(() -> pump(backend, client), "failover-down");
      return;
    }
    closeQuietly(client);
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side went away: close both below
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
    sockets.forEach(FailoverProxy::closeQuietly);
  }
}
