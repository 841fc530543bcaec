/**
 * The fan-out benchmarks ({@code FanoutLoad}, {@code IdleViewers}): card deltas delivered to N
 * WebSocket viewers of one chat, latency from the bot's call to the viewer, compared with a bare
 * Vert.x broadcaster. Uses {@code bench} and {@code bench.process}; used by nobody.
 */
package io.opencardkit.bench.fanout;
