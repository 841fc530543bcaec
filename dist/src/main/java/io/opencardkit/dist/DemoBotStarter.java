package io.opencardkit.dist;

import io.opencardkit.demobot.DemoBot;
import io.opencardkit.demobot.SimulatedModel;
import io.opencardkit.server.DemoBotLauncher;

/**
 * Starts the demo bot for {@code serve --demo} (registered in {@code META-INF/services}). The model
 * streams {@value SimulatedModel#DEFAULT_TOKENS_PER_SECOND} tokens per second unless the system
 * property {@value #TOKENS_PER_SECOND} says otherwise (tests use a faster model).
 */
public final class DemoBotStarter implements DemoBotLauncher {
  /** System property: the simulated model's tokens per second. */
  public static final String TOKENS_PER_SECOND = "opencardkit.demo.tokens-per-second";

  @Override
  public AutoCloseable start(String baseUrl, String appId, String appSecret) {
    int rate = Integer.getInteger(TOKENS_PER_SECOND, SimulatedModel.DEFAULT_TOKENS_PER_SECOND);
    return DemoBot.start(baseUrl, appId, appSecret, rate);
  }
}
