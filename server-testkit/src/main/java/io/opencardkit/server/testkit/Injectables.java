package io.opencardkit.server.testkit;

import com.lark.oapi.Client;
import java.net.URI;
import java.util.Map;
import java.util.function.Function;

/**
 * What an {@link OpenCardKitTest} can be given, one line per type: how to make it from the scope's
 * server. To offer a new kind (a bot, a page socket), add a line; {@link ServerScope#closeAtEnd}
 * closes what holds a connection.
 */
final class Injectables {
  private static final Map<Class<?>, Function<ServerScope, Object>> TABLE =
      Map.of(
          TestServer.class, ServerScope::server,
          TestSeed.class, scope -> scope.server().seed,
          Client.class, scope -> scope.server().client(),
          URI.class, scope -> URI.create(scope.server().baseUrl()),
          MutableClock.class, ServerScope::mutableClock);

  private Injectables() {}

  static boolean offers(Class<?> type) {
    return TABLE.containsKey(type);
  }

  static Object make(Class<?> type, ServerScope scope) {
    return TABLE.get(type).apply(scope);
  }
}
