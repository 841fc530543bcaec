/**
 * The node's Prometheus metrics ({@link io.opencardkit.server.metrics.NodeMetrics}, all named
 * {@code okc_…}), Vert.x's own metrics set-up and the event-loop lag probe. It reads the counters
 * of the other packages; used only by {@code server.OpenCardKitServer} and {@code
 * server.Operating}.
 */
package io.opencardkit.server.metrics;
