/**
 * IM v1: messages (send, reply, get, list, PATCH of inline cards, recall, edit), chats, images and
 * reactions under {@code /open-apis/im/v1}, and the outbox through which a user's message becomes
 * bot events in the same batch ({@link io.opencardkit.server.im.EventOutbox}, implemented by {@code
 * bots.BotDispatcher}). Used by {@code web}, {@code cards}, {@code bots}, {@code cluster} and the
 * composition root.
 */
package io.opencardkit.server.im;
