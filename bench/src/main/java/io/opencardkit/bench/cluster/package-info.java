/**
 * The scale-out benchmark ({@code ClusterLoad}): bot streams on one and two nodes, each a process
 * of its own, sharing a private redis-server and a PostgreSQL schema, with viewers on both nodes.
 * Uses {@code bench} and {@code bench.process}; used by nobody.
 */
package io.opencardkit.bench.cluster;
