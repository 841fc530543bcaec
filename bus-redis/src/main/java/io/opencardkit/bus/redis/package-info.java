/**
 * The cluster bus over Redis pub/sub: {@link io.opencardkit.bus.redis.RedisClusterBus} with its URL
 * configuration and counters. It connects in the background, reconnects with backoff, notices a
 * frozen Redis by an unanswered PING (timed on an injected ticker) and never blocks a sender.
 * Everything but the bus, its configuration, its statistics and {@link
 * io.opencardkit.bus.redis.DropReason} is package-private. Used by the server's composition root
 * and metrics, and by the cluster benchmark.
 */
package io.opencardkit.bus.redis;
