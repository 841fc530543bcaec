package io.opencardkit.server.testkit;

import com.lark.oapi.Client;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * What an {@link OpenCardKitTest} can be given, one line per type: how to make it from the scope's
 * server. To offer a new kind, add a line; {@link ServerScope#closeAtEnd} closes what holds a
 * connection.
 */
final class Injectables {
  private static final Map<Class<?>, Function<ServerScope, Object>> TABLE = table();

  private static Map<Class<?>, Function<ServerScope, Object>> table() {
    Map<Class<?>, Function<ServerScope, Object>> table = new HashMap<>();
    table.put(TestServer.class, ServerScope::server);
    table.put(TestSeed.class, scope -> scope.server().seed);
    table.put(Client.class, scope -> scope.server().client());
    table.put(URI.class, scope -> URI.create(scope.server().baseUrl()));
    table.put(MutableClock.class, ServerScope::mutableClock);
    table.put(BotApi.class, scope -> BotApi.of(scope.server()));
    table.put(SdkBot.class, scope -> scope.closeAtEnd(SdkBot.connect(scope.server())));
    table.put(PageSocket.class, Injectables::alicesPage);
    table.put(TestCluster.class, ServerScope::cluster);
    if (playwrightPresent()) { // a Playwright Page: Alice's web chat in chromium
      table.put(BrowserPages.pageType(), BrowserPages::alicesChat);
    }
    return Map.copyOf(table);
  }

  private static boolean playwrightPresent() {
    try {
      Class.forName("com.microsoft.playwright.Page", false, Injectables.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

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
