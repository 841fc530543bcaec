package io.opencardkit.server;

import io.opencardkit.server.directory.App;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.directory.DirectoryBootstrap;
import java.io.PrintStream;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * {@code serve --demo}: the demo bot running against a started server as the demo directory's app
 * (else the first app of the directory). {@link #close} stops the bot, not the server.
 */
public final class DemoMode implements AutoCloseable {
  /** Printed when the build has no {@link DemoBotLauncher}. */
  public static final String NO_DEMO_BOT =
      "this build has no demo bot; run the jar built by the dist module (bin/opencardkit)";

  private final App app;
  private final String pageUrl;
  private final AutoCloseable bot;

  private DemoMode(App app, String pageUrl, AutoCloseable bot) {
    this.app = app;
    this.pageUrl = pageUrl;
    this.bot = bot;
  }

  /**
   * Thrown when the demo bot cannot be started: no launcher in this build, or no app in the
   * directory.
   */
  public static final class Unavailable extends Exception {
    private static final long serialVersionUID = 1L;

    Unavailable(String message) {
      super(message);
    }
  }

  /** Starts the demo bot found through {@link ServiceLoader}, and prints how to open the page. */
  public static DemoMode start(OpenCardKitServer server, PrintStream console) throws Exception {
    return start(server, ServiceLoader.load(DemoBotLauncher.class).findFirst(), console);
  }

  /**
   * Starts the demo bot with {@code launcher} (empty: {@link Unavailable}), and prints how to open
   * the page.
   */
  public static DemoMode start(
      OpenCardKitServer server, Optional<DemoBotLauncher> launcher, PrintStream console)
      throws Exception {
    Objects.requireNonNull(server, "server");
    if (launcher.isEmpty()) {
      throw new Unavailable(NO_DEMO_BOT);
    }
    Directory directory = server.directory();
    App app =
        demoApp(directory)
            .orElseThrow(() -> new Unavailable("the directory has no app for the demo bot"));
    AutoCloseable bot = launcher.get().start(server.baseUrl(), app.appId(), app.appSecret());
    String pageUrl =
        server.baseUrl()
            + "/"
            + directory.users().stream().findFirst().map(u -> "?user=" + u.openId()).orElse("");
    console.println("Demo bot started as " + app.name() + " (" + app.appId() + ").");
    console.println(
        "Open "
            + pageUrl
            + " and ask "
            + app.name()
            + " a question"
            + (app.hearsAllGroupMessages()
                ? " in your chat with it or in a group."
                : " in your chat with it."));
    console.flush();
    return new DemoMode(app, pageUrl, bot);
  }

  /** The demo directory's app, else the first app of the directory. */
  static Optional<App> demoApp(Directory directory) {
    return directory
        .app(DirectoryBootstrap.DEMO_APP_ID)
        .or(() -> directory.apps().stream().findFirst());
  }

  /** The app the bot runs as. */
  public App app() {
    return app;
  }

  /** The web chat page as the directory's first user (Alice in the demo directory). */
  public String pageUrl() {
    return pageUrl;
  }

  /** Stops the demo bot. */
  @Override
  public void close() {
    try {
      bot.close();
    } catch (Exception e) {
      System.getLogger(DemoMode.class.getName())
          .log(System.Logger.Level.WARNING, "stopping the demo bot failed: " + e);
    }
  }
}
