package io.opencardkit.server;

/**
 * Starts the demo bot for {@code serve --demo}. The bot is a separate component (a client of the
 * server, like any user's bot), so the server finds it through {@link java.util.ServiceLoader}: the
 * runnable jar built by the {@code dist} module registers one; a server-only build has none.
 */
public interface DemoBotLauncher {
  /**
   * Connects a demo bot to the server at {@code baseUrl} as the app {@code appId} and returns at
   * once; closing the handle stops the bot.
   */
  AutoCloseable start(String baseUrl, String appId, String appSecret) throws Exception;
}
