/**
 * The HTTP layer every API shares: the front door every request meets (log id, decoding checks,
 * body limits, call log), Feishu's response envelope and refusals ({@link
 * io.opencardkit.server.http.Envelope}, {@link io.opencardkit.server.http.Responder}), typed
 * request bodies, connection limits and deadlines, draining on stop. No business rule; used by
 * every API package ({@code auth}, {@code cards}, {@code im}, {@code contact}, the bots' APIs,
 * {@code web}), by {@code metrics} and by the composition root.
 */
package io.opencardkit.server.http;
