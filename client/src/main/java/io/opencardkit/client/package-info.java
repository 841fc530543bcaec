/**
 * The Java client library for bots: {@link io.opencardkit.client.CardStreams} and {@link
 * io.opencardkit.client.CardStream} stream an answer into Feishu/Lark cards through the official
 * SDK (sequences, streaming windows, retries, splitting into follow-up cards). Depends on the
 * official SDK only, never on the server or core; used by {@code demo-bot}, {@code examples} and
 * bot developers.
 */
package io.opencardkit.client;
