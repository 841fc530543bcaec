package io.opencardkit.server.browser;

import com.lark.oapi.event.EventDispatcher;
import com.lark.oapi.event.cardcallback.P2CardActionTriggerHandler;
import com.lark.oapi.event.cardcallback.model.CallBackToast;
import com.lark.oapi.event.cardcallback.model.P2CardActionTrigger;
import com.lark.oapi.event.cardcallback.model.P2CardActionTriggerResponse;
import com.lark.oapi.ws.Client;
import io.opencardkit.server.testkit.TestServer;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * The seeded bot answering card callbacks over the official Java SDK's long connection, as a bot author writes it:
 * {@link #answer} decides what it answers (by default a toast).
 */
final class CallbackBot implements AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(20);

  volatile Function<P2CardActionTrigger, P2CardActionTriggerResponse> answer = e -> toast("success", "谢谢反馈");
  private final Client client;
  private final ExecutorService starter = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "callback-bot");
    t.setDaemon(true);
    return t;
  });

  private CallbackBot(TestServer server) {
    EventDispatcher handler =
        EventDispatcher.newBuilder("", "")
            .onP2CardActionTrigger(new P2CardActionTriggerHandler() {
              @Override
              public P2CardActionTriggerResponse handle(P2CardActionTrigger event) {
                return answer.apply(event);
              }
            })
            .build();
    client = new Client.Builder(server.seed.appId, server.seed.appSecret).domain(server.baseUrl()).eventHandler(handler).autoReconnect(false).build();
  }

  /** Starts the client and waits until the server counts its connection. */
  static CallbackBot connect(TestServer server) {
    CallbackBot bot = new CallbackBot(server);
    bot.starter.execute(bot.client::start);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (server.server().bots().longConnectionCount(server.seed.appId) != 1) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("the bot's long connection did not open within " + WAIT);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // a polling interval, not a guess at timing
    }
    return bot;
  }

  /** An answer with only a toast. */
  static P2CardActionTriggerResponse toast(String type, String content) {
    P2CardActionTriggerResponse response = new P2CardActionTriggerResponse();
    CallBackToast toast = new CallBackToast();
    toast.setType(type);
    toast.setContent(content);
    response.setToast(toast);
    return response;
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
