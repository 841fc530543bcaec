/**
 * The card state machine: {@link io.opencardkit.core.engine.CardEngine} decides whether a bot's
 * call is accepted (the order of Feishu's checks, sequences, streaming windows, rate limits) and
 * which {@link io.opencardkit.core.engine.CardEvent}s it makes; {@link
 * io.opencardkit.core.engine.CardState} is a card rebuilt by applying them. No I/O; time comes only
 * from an injected {@code java.time.Clock}. Used by the server's card runtime and by the store
 * adapters, which persist events and snapshots.
 */
package io.opencardkit.core.engine;
