/**
 * The web chat: the page and its static files, its HTTP API under {@code /web/api}, and the
 * WebSocket push of card events and messages ({@code /web/ws}, docs/web-protocol.md) through {@code
 * ViewerHub} and its per-event-loop shards; plus the inspector, unread counts and read marks. Built
 * as one {@link io.opencardkit.server.web.WebChat} by {@code server.OpenCardKitServer}; {@code
 * server.Operating}, {@code server.metrics} and the cluster benchmark read its statistics.
 */
package io.opencardkit.server.web;
