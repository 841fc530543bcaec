/**
 * The long-connection transport of the SDKs' WebSocket clients: the endpoint and socket ({@link
 * io.opencardkit.server.bots.longconnection.LongConnectionApi}), tickets and open connections
 * ({@link io.opencardkit.server.bots.longconnection.LongConnections}), the protobuf frames and
 * their codec, liveness pings, and the relay to the node that holds a bot's connection ({@link
 * io.opencardkit.server.bots.longconnection.BotRelay}). Used only by {@code bots.BotDispatcher},
 * which hands the API to the composition root to mount.
 */
package io.opencardkit.server.bots.longconnection;
