package io.opencardkit.server.testkit;

import com.lark.oapi.Client;
import java.net.URI;
import java.util.Map;
import java.util.function.Function;

/**
 * What an {@link OpenCardKitTest} can be given, one line per type: how to make it from the scope's
 * server. To offer a new kind, add a line; {@link ServerScope#closeAtEnd} closes what holds a
 * connection.
 */
final class Injectables {
  private static final Map<Class<?>, Function<ServerScope, Object>> TABLE =
      Map.of(
          TestServer.class, ServerScope::server,
          TestSeed.class, scope -> scope.server().seed,
          Client.class, scope -> scope.server().client(),
          URI.class, scope -> URI.create(scope.server().baseUrl()),
          MutableClock.class, ServerScope::mutableClock,
          BotApi.class, scope -> BotApi.of(scope.server()),
          SdkBot.class, scope -> scope.closeAtEnd(SdkBot.connect(scope.server())),
          PageSocket.class, Injectables::alicesPage,
          TestCluster.class, ServerScope::cluster);

  private Injectables() {}

  /** A page of the seed's first user (Alice), signed in, with card frames on. */
  private static PageSocket alicesPage(ServerScope scope) {
    try {
      return scope.closeAtEnd(
          PageSocket.signedIn(scope.server().baseUrl(), scope.server().seed.alice));
    } catch (Exception e) {
      throw new IllegalStateException("the page socket did not open", e);
    }
  }

  static boolean offers(Class<?> type) {
    return TABLE.containsKey(type);
  }

  static Object make(Class<?> type, ServerScope scope) {
    return TABLE.get(type).apply(scope);
  }
}
