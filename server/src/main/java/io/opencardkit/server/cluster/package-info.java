/**
 * What makes several nodes one deployment: a store that broadcasts what it committed ({@link
 * io.opencardkit.server.cluster.ReplicatingStore}), the replica that applies other nodes' batches
 * to this node's caches and browsers, and the watch on nodes that fell silent. Used only by {@code
 * server.OpenCardKitServer}.
 */
package io.opencardkit.server.cluster;
