/**
 * Card callbacks: a user's interaction with a card becomes {@code card.action.trigger} for its bot
 * ({@link io.opencardkit.server.bots.callback.CardCallbacks}, delivered through {@code
 * bots.BotDispatcher}), the bot's answer (a {@link io.opencardkit.server.bots.callback.Toast}, a
 * card, a template) takes effect, and its token allows the delayed update ({@code POST
 * /open-apis/interactive/v1/card/update}). Used by the composition root, and by {@code server.web}
 * through {@link io.opencardkit.server.bots.callback.CardActions} and {@code Toast}.
 */
package io.opencardkit.server.bots.callback;
