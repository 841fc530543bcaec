package io.opencardkit.store.postgres.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP proxy in front of the local PostgreSQL service that a test can cut, to play an outage without
 * stopping the service others use: {@link #cut()} closes every connection and refuses new ones until
 * {@link #restore()}.
 */
public final class TcpProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int targetPort;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;

  private TcpProxy(ServerSocket server, int targetPort) {
    this.server = server;
    this.targetPort = targetPort;
  }

  public static TcpProxy start(int targetPort) throws IOException {
    TcpProxy proxy = new TcpProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), targetPort);
    daemon(proxy::acceptLoop, "proxy-accept");
    return proxy;
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Drops every proxied connection; new ones are accepted and closed at once, as by a server that is down. */
  public void cut() {
    cut = true;
    sockets.forEach(TcpProxy::closeQuietly);
  }

  public void restore() {
    cut = false;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        if (cut) {
          client.close();
          continue;
        }
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        sockets.add(client);
        sockets.add(upstream);
        daemon(() -> pump(client, upstream), "proxy-up");
        daemon(() -> pump(upstream, client), "proxy-down");
      } catch (IOException e) {
        // the server socket was closed (the test ended) or one connection failed: go on while open
      }
    }
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
