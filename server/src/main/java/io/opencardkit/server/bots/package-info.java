/**
 * Delivery to bots, shared by its transports: {@link io.opencardkit.server.bots.BotDispatcher}
 * (events stored with the message that caused them, leases, Feishu's retry schedule, the choice of
 * a long connection, another node's, or the webhook), what a delivery answers ({@link
 * io.opencardkit.server.bots.BotReply}, {@link io.opencardkit.server.bots.DeliveryFailure}), the
 * event bodies and who receives them. The transports live in {@code bots.webhook} and {@code
 * bots.longconnection}, card callbacks in {@code bots.callback}; those three use this package, and
 * {@code BotDispatcher} is the only class that uses the transports. Used from outside by the
 * composition root, {@code server.Operating} (graceful stop), {@code server.cluster} (relayed
 * messages) and {@code server.metrics}.
 */
package io.opencardkit.server.bots;
