package io.opencardkit.server.browser;

import com.lark.oapi.event.EventDispatcher;
import com.lark.oapi.service.im.ImService;
import com.lark.oapi.service.im.v1.model.P2MessageReceiveV1;
import com.lark.oapi.ws.Client;
import io.opencardkit.server.testkit.TestServer;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The seeded bot listening as a bot author writes it: the official Java SDK's long-connection client with an
 * {@link EventDispatcher}; {@link #events} holds every {@code im.message.receive_v1} as the SDK parsed it.
 */
final class EventBot implements AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(20);

  final List<P2MessageReceiveV1> events = new CopyOnWriteArrayList<>();
  private final Client client;
  private final ExecutorService starter = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "event-bot");
    t.setDaemon(true);
    return t;
  });

  private EventBot(TestServer server) {
    EventDispatcher handler =
        EventDispatcher.newBuilder("", "")
            .onP2MessageReceiveV1(new ImService.P2MessageReceiveV1Handler() {
              @Override
              public void handle(P2MessageReceiveV1 event) {
                events.add(event);
              }
            })
            .build();
    client = new Client.Builder(server.seed.appId, server.seed.appSecret).domain(server.baseUrl()).eventHandler(handler).autoReconnect(false).build();
  }

  /** Starts the client and waits until the server counts its connection. */
  static EventBot connect(TestServer server) {
    EventBot bot = new EventBot(server);
    bot.starter.execute(bot.client::start);
    until(() -> server.server().bots().longConnectionCount(server.seed.appId) == 1);
    return bot;
  }

  /** The first event whose message has this id, waiting for it. */
  P2MessageReceiveV1 awaitEventOf(String messageId) {
    until(() -> events.stream().anyMatch(e -> messageId.equals(e.getEvent().getMessage().getMessageId())));
    return events.stream().filter(e -> messageId.equals(e.getEvent().getMessage().getMessageId())).findFirst().orElseThrow();
  }

  private static void until(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("still not true after " + WAIT);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // a polling interval, not a guess at timing
    }
  }

  /** The SDK has no public close (a bot runs until its process ends): disconnect and stop its threads. */
  @Override
  public void close() throws ReflectiveOperationException {
    Method disconnect = Client.class.getDeclaredMethod("disconnect");
    disconnect.setAccessible(true);
    disconnect.invoke(client);
    Field executor = Client.class.getDeclaredField("executor");
    executor.setAccessible(true);
    ((ExecutorService) executor.get(client)).shutdownNow();
    starter.shutdownNow();
  }
}
