package io.opencardkit.server.bots;

import com.lark.oapi.event.EventDispatcher;
import com.lark.oapi.event.cardcallback.P2CardActionTriggerHandler;
import com.lark.oapi.event.cardcallback.model.P2CardActionTrigger;
import com.lark.oapi.event.cardcallback.model.P2CardActionTriggerResponse;
import com.lark.oapi.service.im.ImService;
import com.lark.oapi.service.im.v1.model.P2MessageReceiveV1;
import com.lark.oapi.ws.Client;
import io.opencardkit.server.testkit.TestServer;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A bot with no public URL, as the Feishu docs show it: the official Java SDK's {@code com.lark.oapi.ws.Client} with
 * an {@link EventDispatcher} built with empty token and key, pointed at OpenCardKit with {@code .domain(baseUrl)}.
 */
public final class SdkWsBot implements AutoCloseable {
  public final List<P2MessageReceiveV1> events = new CopyOnWriteArrayList<>();
  final List<P2CardActionTrigger> callbacks = new CopyOnWriteArrayList<>();
  volatile Function<P2CardActionTrigger, P2CardActionTriggerResponse> cardAnswer = e -> new P2CardActionTriggerResponse();
  private final Client client;
  private final ExecutorService starter = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "sdk-ws-bot");
    t.setDaemon(true);
    return t;
  });

  SdkWsBot(TestServer server, String appId, String appSecret) {
    this(server.baseUrl(), appId, appSecret);
  }

  /** A bot connecting to {@code baseUrl} (one node of a cluster, say). */
  public SdkWsBot(String baseUrl, String appId, String appSecret) {
    EventDispatcher handler =
        EventDispatcher.newBuilder("", "")
            .onP2MessageReceiveV1(new ImService.P2MessageReceiveV1Handler() {
              @Override
              public void handle(P2MessageReceiveV1 event) {
                events.add(event);
              }
            })
            .onP2CardActionTrigger(new P2CardActionTriggerHandler() {
              @Override
              public P2CardActionTriggerResponse handle(P2CardActionTrigger event) {
                callbacks.add(event);
                return cardAnswer.apply(event);
              }
            })
            .build();
    // Reconnecting is the SDK's default; off here so that a closed test server does not keep the client busy.
    this.client = new Client.Builder(appId, appSecret).domain(baseUrl).eventHandler(handler).autoReconnect(false).build();
  }

  /** Starts the client on a background thread, as a bot's main does. */
  public SdkWsBot start() {
    starter.execute(client::start);
    return this;
  }

  /**
   * Closes the connection. The SDK has no public close (a bot runs until its process ends), so this calls its
   * {@code disconnect()} and stops its worker threads.
   */
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
