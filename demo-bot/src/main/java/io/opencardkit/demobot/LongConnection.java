package io.opencardkit.demobot;

import com.lark.oapi.event.EventDispatcher;
import com.lark.oapi.ws.Client;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The official SDK's long-connection client ({@code com.lark.oapi.ws.Client}), started in the
 * background and stoppable.
 *
 * <p>Implementation notes: SDK 2.5.3's client has {@code start()} but no way to stop. {@code
 * start()} blocks while it reconnects (forever, by default), its ping loop runs on a private
 * non-daemon pool, and both loops sleep in a way that ignores interrupts. So this class (1) swaps
 * the client's pool for one of daemon threads before starting, (2) starts it on a daemon thread,
 * and (3) on {@link #close} turns reconnection off, disconnects, and sets the loops' intervals to
 * {@code null} so each loop ends with an exception at its next sleep (which the threads' handler
 * swallows). All through reflection on the client's protected and private fields; if a future SDK
 * renames them, {@link #close} still disconnects as far as it can, and the daemon threads never
 * keep the JVM alive.
 */
final class LongConnection implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(LongConnection.class.getName());
  private static final long CONNECT_WAIT_MILLIS = 10_000;

  private final Client client;
  private final ExecutorService pool =
      Executors.newCachedThreadPool(daemonThreads("okc-demo-bot-ws"));
  private final Thread starter;
  private volatile boolean closed;

  LongConnection(String baseUrl, String appId, String appSecret, EventDispatcher dispatcher) {
    this.client =
        new Client.Builder(appId, appSecret)
            .domain(baseUrl)
            .eventHandler(dispatcher)
            .autoReconnect(true)
            .build();
    replacePool();
    this.starter = daemonThreads("okc-demo-bot-connect").newThread(client::start);
  }

  /** Connects in the background (and keeps reconnecting) until {@link #close}. */
  void start() {
    starter.start();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    set("autoReconnect", false);
    set("reconnectNonce", 0);
    // A connect still in progress would open its socket after our disconnect: let it finish
    // (bounded) first.
    try {
      starter.join(CONNECT_WAIT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    set("reconnectInterval", null);
    set("pingInterval", null);
    try {
      Method disconnect = Client.class.getDeclaredMethod("disconnect");
      disconnect.setAccessible(true);
      disconnect.invoke(client);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "could not disconnect the long connection: " + e);
    }
    starter.interrupt();
    pool.shutdownNow();
  }

  /**
   * Whether the connecting thread has ended (after {@link #close}). The SDK's ping loop, a daemon
   * thread, ends at its next wake-up, since its interval is gone: it never keeps the JVM alive.
   */
  boolean awaitConnectThreadStopped(long millis) throws InterruptedException {
    starter.join(millis);
    return !starter.isAlive();
  }

  private void replacePool() {
    try {
      Field executor = Client.class.getDeclaredField("executor");
      executor.setAccessible(true);
      ((ExecutorService) executor.get(client)).shutdownNow();
      executor.set(client, pool);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING, "could not give the long connection daemon threads: " + e);
    }
  }

  private void set(String field, Object value) {
    try {
      Field f = Client.class.getDeclaredField(field);
      f.setAccessible(true);
      f.set(client, value);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING, "could not set the long connection's " + field + ": " + e);
    }
  }

  private java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
    AtomicInteger counter = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + counter.incrementAndGet());
      t.setDaemon(true);
      t.setUncaughtExceptionHandler(
          (thread, e) -> {
            if (!closed) {
              LOG.log(
                  System.Logger.Level.WARNING,
                  "long connection thread " + thread.getName() + " failed",
                  e);
            }
          });
      return t;
    };
  }
}
