/**
 * The built-in demo bot: a long-connection client that answers every message with a streamed answer
 * of a simulated model ({@link io.opencardkit.demobot.SimulatedModel}) and a feedback card. A
 * client of the server like any bot, built on {@code client}; used only by {@code dist}, which
 * starts it for {@code serve --demo}.
 */
package io.opencardkit.demobot;
