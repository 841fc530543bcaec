/**
 * The HTTP transport to bots: {@link io.opencardkit.server.bots.webhook.WebhookTransport} posts to
 * an app's {@code event_url} or {@code callback_url} after its {@code url_verification}, encrypted
 * and signed as Feishu does ({@code EventCrypto}), within a deadline on the server's clock. Used
 * only by {@code bots.BotDispatcher}.
 */
package io.opencardkit.server.bots.webhook;
