/**
 * The cluster bus port: how the nodes of one deployment tell each other what they committed and ask
 * each other to deliver to a bot ({@link io.opencardkit.core.bus.ClusterBus}), with the in-process
 * bus of a single node. Implemented by the {@code bus-redis} module; used by the server (its
 * cluster package, the bot relay and the composition root).
 */
package io.opencardkit.core.bus;
