/**
 * The runnable jar: the server with the demo bot plugged in through {@code META-INF/services}
 * ({@link io.opencardkit.dist.DemoBotStarter} implements {@code server.DemoBotLauncher}). Used by
 * nobody; it is what {@code bin/opencardkit} runs.
 */
package io.opencardkit.dist;
